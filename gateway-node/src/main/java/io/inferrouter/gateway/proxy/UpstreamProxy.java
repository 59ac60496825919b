package io.inferrouter.gateway.proxy;

import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.schemas.metrics.EndpointId;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the request to a model server, trying the scheduler's ranking in order. A failure before the
 * first response byte (refused connection, reset, timeout, or a 5xx status) is retried on the next
 * endpoint, up to the configured number of attempts. Each endpoint counts the request in flight from
 * its attempt until {@link Opened#finish()}.
 */
public final class UpstreamProxy {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxy.class);

    private final Upstream upstream;
    private final int maxAttempts;

    public UpstreamProxy(Upstream upstream, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be >= 1, was " + maxAttempts);
        }
        this.upstream = upstream;
        this.maxAttempts = maxAttempts;
    }

    /**
     * An open response from one endpoint; the endpoint counts it in flight until {@link #finish()}.
     * Used by the request's own thread only.
     */
    public static final class Opened {
        private final Endpoint endpoint;
        private final UpstreamResponse response;
        private final int attempts;
        private boolean finished;

        Opened(Endpoint endpoint, UpstreamResponse response, int attempts) {
            this.endpoint = endpoint;
            this.response = response;
            this.attempts = attempts;
        }

        /** The endpoint that answered: after retries, not necessarily the first-ranked one. */
        public Endpoint endpoint() {
            return endpoint;
        }

        public UpstreamResponse response() {
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
     * @return the first answer that is not a 5xx, or the last attempt's answer whatever its status
     * @throws GatewayException 502 or 504 when no attempt got a response head; 503 when there is no
     *                          endpoint to try
     */
    public Opened open(List<Endpoint> ranked, String path, byte[] body, Map<String, List<String>> headers) {
        return open(ranked, path, body, headers, AttemptLog.NONE);
    }

    /** Told of every try, in order, on the request's thread. */
    public interface AttemptLog {
        AttemptLog NONE = (endpoint, status, error, nanos) -> { };

        /**
         * @param status the response's status, or null when none came
         * @param error  why the try failed (a 5xx retried, or no response head), or null
         * @param nanos  from sending to the response head or the failure
         */
        void attempt(EndpointId endpoint, Integer status, String error, long nanos);
    }

    /** As {@link #open(List, String, byte[], Map)}, telling {@code log} of every try. */
    public Opened open(List<Endpoint> ranked, String path, byte[] body, Map<String, List<String>> headers,
                       AttemptLog log) {
        int attempts = Math.min(maxAttempts, ranked.size());
        // Built only when needed: an exception per request (with its stack trace) was 2% of CPU.
        GatewayException last = null;
        for (int i = 0; i < attempts; i++) {
            Endpoint e = ranked.get(i);
            e.load().started();
            boolean handedOver = false;
            long sent = System.nanoTime();
            try {
                UpstreamResponse response = upstream.send(e, path, body, headers);
                int status = response.status();
                if (status >= 500 && i + 1 < attempts) {
                    LOG.debug("endpoint failed before first byte, retrying endpoint={} status={}", e.id(), status);
                    response.close();
                    last = GatewayException.badGateway("endpoint " + e.id() + " answered " + status);
                    log.attempt(e.id(), status, "answered " + status + ", retried", System.nanoTime() - sent);
                    continue;
                }
                log.attempt(e.id(), status, status >= 500 ? "answered " + status : null, System.nanoTime() - sent);
                handedOver = true;
                return new Opened(e, response, i + 1);
            } catch (RuntimeException ex) {
                // Upstreams report connect, reset and timeout failures as unchecked exceptions.
                last = failure(e, ex);
                log.attempt(e.id(), null, last.getMessage(), System.nanoTime() - sent);
                LOG.debug("endpoint failed before first byte endpoint={} error={}", e.id(), ex.toString());
            } finally {
                if (!handedOver) {
                    e.load().finished();
                }
            }
        }
        throw last != null ? last : GatewayException.unavailable("no_ready_endpoint", "no endpoint to try");
    }

    private static GatewayException failure(Endpoint e, Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return GatewayException.gatewayTimeout("endpoint " + e.id() + " timed out: " + t.getMessage());
            }
        }
        return GatewayException.badGateway("endpoint " + e.id() + " failed: " + ex.getMessage());
    }
}
