package io.inferrouter.stream.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/** Asks another routing-stream instance's query API for what it holds. */
public final class Peers {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Duration timeout;

    public Peers(Duration timeout) {
        this.timeout = timeout;
    }

    /** The JSON body of {@code GET http://host:port/path}, or a {@link QueryUnavailableException}. */
    public byte[] get(HostInfo host, String pathAndQuery) {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery);
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new QueryUnavailableException("instance " + host + " answered " + response.statusCode()
                        + " for " + pathAndQuery, null);
            }
            return response.body();
        } catch (IOException e) {
            throw new QueryUnavailableException("instance " + host + " did not answer " + pathAndQuery + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryUnavailableException("interrupted while asking " + host, e);
        }
    }
}
