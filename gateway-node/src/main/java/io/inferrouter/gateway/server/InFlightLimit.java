package io.inferrouter.gateway.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.inferrouter.gateway.config.GatewayConfig.ClientLimits;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.support.ErrorBody;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the requests the gateway handles at once at {@code http.max-in-flight}; one more gets 503
 * with {@code Retry-After}. A request counts from its head until its handler returns, which for a
 * stream is its end. The probes and {@code /metrics} never count and are never refused: a liveness
 * probe failing because the gateway is full would restart it and cut every stream it carries.
 * (Helidon's {@code max-concurrent-requests} would count them, hence this filter.)
 */
final class InFlightLimit implements Filter {

    private static final Set<String> EXEMPT = Set.of("/health", "/ready", "/metrics");

    private final int max;
    private final String retryAfter;
    private final byte[] refusal;
    private final GatewayMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();

    InFlightLimit(ClientLimits limits, GatewayMetrics metrics) {
        this.max = limits.maxInFlight();
        this.retryAfter = Long.toString(limits.retryAfterSeconds());
        this.refusal = ErrorBody.json("the gateway is handling " + max + " requests, its limit "
                + "(http.max-in-flight); retry later", "service_unavailable", "too_many_requests_in_flight");
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (EXEMPT.contains(req.path().path())) {
            chain.proceed();
            return;
        }
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            metrics.inFlightRejected();
            res.status(Status.SERVICE_UNAVAILABLE_503)
                    .header(HeaderNames.RETRY_AFTER, retryAfter)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(refusal);
            return;
        }
        try {
            chain.proceed();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Requests in flight now, exempt ones not counted. */
    int inFlight() {
        return inFlight.get();
    }
}
