package io.inferrouter.gateway.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.inferrouter.gateway.api.GatewayException;
import io.inferrouter.gateway.tables.Endpoint;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the request to a model server over pooled keep-alive connections. A failure before the
 * first response byte (refused connection, reset, timeout, or a 5xx status) is retried on the next
 * endpoint of the ranking, up to the configured number of attempts. The caller reads the body and
 * then closes the response and calls {@link Opened#finish()}.
 */
public final class UpstreamProxy {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxy.class);

    private final WebClient client;
    private final int maxAttempts;

    public UpstreamProxy(Duration connectTimeout, Duration readTimeout, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be >= 1, was " + maxAttempts);
        }
        this.client = WebClient.builder()
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .keepAlive(true)
                .socketOptions(o -> o.tcpNoDelay(true))
                .followRedirects(false)
                .build();
        this.maxAttempts = maxAttempts;
    }

    /**
     * An open response from one endpoint; the endpoint counts it in flight until {@link #finish()}.
     * Used by the request's own thread only.
     */
    public static final class Opened {
        private final Endpoint endpoint;
        private final HttpClientResponse response;
        private final int attempts;
        private boolean finished;

        Opened(Endpoint endpoint, HttpClientResponse response, int attempts) {
            this.endpoint = endpoint;
            this.response = response;
            this.attempts = attempts;
        }

        public Endpoint endpoint() {
            return endpoint;
        }

        public HttpClientResponse response() {
            return response;
        }

        /** 1 when the first endpoint answered, 2 after one retry, ... */
        public int attempts() {
            return attempts;
        }

        /**
         * Closes the response (a fully read one hands its keep-alive connection back to the pool) and
         * ends the endpoint's in-flight count. Only the first call acts: the caller finishes as soon as
         * the upstream body is read, before the client's response is complete, and again when done.
         */
        public void finish() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                response.close();
            } finally {
                endpoint.load().finished();
            }
        }
    }

    /**
     * @param ranked  endpoints in the order to try
     * @param headers the client's headers that may go upstream, plus the gateway's own
     * @throws GatewayException 502 or 504 when every attempt failed
     */
    public Opened open(List<Endpoint> ranked, String path, byte[] body, Map<String, List<String>> headers) {
        int attempts = Math.min(maxAttempts, ranked.size());
        GatewayException last = GatewayException.unavailable("no_ready_endpoint", "no endpoint to try");
        for (int i = 0; i < attempts; i++) {
            Endpoint e = ranked.get(i);
            e.load().started();
            boolean handedOver = false;
            try {
                HttpClientRequest request = client.post("http://" + e.hostPort() + path);
                headers.forEach((name, values) -> request.header(HeaderNames.create(name), values));
                HttpClientResponse response = request.submit(body);
                int status = response.status().code();
                if (status >= 500 && i + 1 < attempts) {
                    LOG.debug("endpoint failed before first byte, retrying endpoint={} status={}", e.id(), status);
                    response.close();
                    last = GatewayException.badGateway("endpoint " + e.id() + " answered " + status);
                    continue;
                }
                handedOver = true;
                return new Opened(e, response, i + 1);
            } catch (RuntimeException ex) {
                // Helidon reports connect, reset and timeout failures as unchecked exceptions.
                last = failure(e, ex);
                LOG.debug("endpoint failed before first byte endpoint={} error={}", e.id(), ex.toString());
            } finally {
                if (!handedOver) {
                    e.load().finished();
                }
            }
        }
        throw last;
    }

    private static GatewayException failure(Endpoint e, Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return GatewayException.gatewayTimeout("endpoint " + e.id() + " timed out: " + t.getMessage());
            }
        }
        return GatewayException.badGateway("endpoint " + e.id() + " failed: " + ex.getMessage());
    }
}
