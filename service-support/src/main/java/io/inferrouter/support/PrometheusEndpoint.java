package io.inferrouter.support;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** {@code GET /metrics} in Prometheus' text format, as every service serves it. */
public final class PrometheusEndpoint {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusEndpoint() {
    }

    public static void register(HttpRouting.Builder routing, PrometheusMeterRegistry registry) {
        routing.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
            res.send(registry.scrape());
        });
    }
}
