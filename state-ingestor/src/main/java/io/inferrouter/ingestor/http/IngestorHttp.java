package io.inferrouter.ingestor.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.support.Health;
import io.inferrouter.support.PrometheusEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The ingestor's HTTP endpoints: {@code /health} (the process is alive), {@code /ready} (Kafka is
 * reachable, the first listing or manifest read is done and the topics are reconciled with it; 503
 * with the failing checks otherwise) and {@code /metrics} (Prometheus text).
 */
public final class IngestorHttp {

    /**
     * The state /ready reports.
     *
     * @param checks check name to whether it passes
     * @param detail check name to a short explanation (shown for every check)
     */
    public record Readiness(Map<String, Boolean> checks, Map<String, String> detail) {

        public Readiness {
            checks = Map.copyOf(checks);
            detail = Map.copyOf(detail);
        }

        public boolean ready() {
            return checks.values().stream().allMatch(Boolean::booleanValue);
        }
    }

    private IngestorHttp() {
    }

    /** Starts the server on {@code host:port} (0 = any free port). */
    public static WebServer start(String host, int port, Supplier<Readiness> readiness, PrometheusMeterRegistry registry) {
        return WebServer.builder().host(host).port(port)
                .routing(r -> routing(r, readiness, registry))
                .build().start();
    }

    static void routing(HttpRouting.Builder routing, Supplier<Readiness> readiness, PrometheusMeterRegistry registry) {
        routing.get("/health", IngestorHttp::health)
                .get("/ready", (req, res) -> ready(res, readiness.get()));
        PrometheusEndpoint.register(routing, registry);
    }

    private static void health(ServerRequest req, ServerResponse res) {
        Health.send(res, true);
    }

    private static void ready(ServerResponse res, Readiness r) {
        StringBuilder json = new StringBuilder("{\"status\":\"").append(r.ready() ? "UP" : "DOWN").append("\",\"checks\":{");
        boolean first = true;
        for (String name : r.checks().keySet().stream().sorted().toList()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append('"').append(escape(name)).append("\":{\"ok\":").append(r.checks().get(name))
                    .append(",\"detail\":\"").append(escape(r.detail().getOrDefault(name, ""))).append("\"}");
        }
        json.append("}}");
        res.status(r.ready() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.toString());
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
