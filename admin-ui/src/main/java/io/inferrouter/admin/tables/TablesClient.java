package io.inferrouter.admin.tables;

import io.inferrouter.admin.api.AdminException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads the routing tables from routing-stream's query API, the one place that holds them whole
 * (it forwards to the instance owning a key). The admin UI keeps no copy of its own.
 */
public final class TablesClient implements AutoCloseable {

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    public TablesClient(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** An answer of routing-stream, passed on as it is (its errors are already JSON of our shape). */
    public record Answer(int status, String body) {
    }

    /**
     * @param path a query path such as {@code /v1/pools/llm/llama}, with its query string if any
     *             ({@code /v1/pools/llm/llama?at=2026-12-02T13%3A13%3A19Z}), encoded
     * @throws AdminException 502 when routing-stream cannot be reached or does not answer in time
     */
    public Answer get(String path) {
        URI uri = base.resolve(path);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AdminException(502, "upstream_unavailable", "routing-stream at " + base
                    + " did not answer " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(503, "unavailable", "interrupted while asking routing-stream for " + path, e);
        }
    }

    /** True when routing-stream answers its /ready with 200. */
    public boolean ready() {
        try {
            return get("/ready").status() == 200;
        } catch (AdminException e) {
            return false;
        }
    }

    public URI base() {
        return base;
    }

    @Override
    public void close() {
        http.close();
    }
}
