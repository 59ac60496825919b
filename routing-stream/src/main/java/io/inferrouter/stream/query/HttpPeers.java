package io.inferrouter.stream.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/** {@link Peers} over HTTP, with a connect timeout and a per-request timeout. */
final class HttpPeers implements Peers {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Duration timeout;

    HttpPeers(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
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

    @Override
    public void close() {
        http.close();
    }
}
