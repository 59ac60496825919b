package io.inferrouter.gateway.proxy;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.inferrouter.gateway.tables.Endpoint;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@link Upstream} over Helidon's blocking WebClient: pooled keep-alive connections, TCP_NODELAY, no
 * redirects. The body is read straight off the connection as the caller asks for it, so every byte
 * that arrived before a cut is read before the cut is reported.
 */
public final class WebClientUpstream implements Upstream {

    private final WebClient client;

    /** @param readTimeout every socket read, including the wait for the response head */
    public WebClientUpstream(Duration connectTimeout, Duration readTimeout) {
        this.client = WebClient.builder()
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .keepAlive(true)
                .socketOptions(o -> o.tcpNoDelay(true))
                .followRedirects(false)
                .build();
    }

    @Override
    public UpstreamResponse send(Endpoint endpoint, String path, byte[] body, Map<String, List<String>> headers) {
        HttpClientRequest request = client.post("http://" + endpoint.hostPort() + path);
        headers.forEach((name, values) -> request.header(HeaderNames.create(name), values));
        return new Response(request.submit(body));
    }

    private record Response(HttpClientResponse response) implements UpstreamResponse {

        @Override
        public int status() {
            return response.status().code();
        }

        @Override
        public String contentType() {
            return response.headers().contentType().map(ct -> ct.text()).orElse(null);
        }

        @Override
        public long contentLength() {
            return response.headers().contentLength().orElse(-1);
        }

        @Override
        public void forEachHeader(BiConsumer<String, List<String>> action) {
            for (Header h : response.headers()) {
                action.accept(h.name(), h.allValues());
            }
        }

        @Override
        public InputStream body() {
            return response.inputStream();
        }

        @Override
        public void close() {
            response.close();
        }
    }
}
