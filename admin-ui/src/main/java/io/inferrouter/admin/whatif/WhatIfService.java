package io.inferrouter.admin.whatif;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.admin.api.AdminException;
import io.inferrouter.admin.api.ApiErrors;
import io.inferrouter.admin.decisions.DecisionFilter;
import io.inferrouter.admin.decisions.DecisionWindow;
import io.inferrouter.admin.decisions.LoggedDecision;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.sim.engine.SimConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/whatif} {@code {"from", "to", "pool"?, "model"?, "profiles"?: [..], "pods"?,
 * "kvBlocks"?, "timeScale"?}}: a window of the decisions topic re-decided and replayed under the
 * profiles (see {@link WhatIf}); the answer is {@link WhatIfJson}'s. One replay runs at a time (a
 * second gets 429): a replay is seconds of CPU. The profiles are the gateway's, configured from
 * admin-ui's own environment as the gateway reads its ({@code GATEWAY_*}).
 */
public final class WhatIfService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(WhatIfService.class);
    /** The longest window a replay takes from the UI. */
    static final Duration MAX_WINDOW = Duration.ofHours(1);

    private final DecisionWindow window;
    private final GatewayConfig gateway;
    private final Semaphore running = new Semaphore(1);

    public WhatIfService(DecisionWindow window, GatewayConfig gateway) {
        this.window = window;
        this.gateway = gateway;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/whatif", this::whatIf);
    }

    private void whatIf(ServerRequest req, ServerResponse res) {
        if (!running.tryAcquire()) {
            ApiErrors.send(res, new AdminException(429, "busy", "a what-if replay is running; try again when it ends"));
            return;
        }
        try {
            ApiErrors.sendJson(res, 200, run(body(req)));
        } catch (AdminException e) {
            ApiErrors.send(res, e);
        } catch (IllegalArgumentException e) {
            ApiErrors.send(res, AdminException.badRequest(e.getMessage()));
        } catch (KafkaException e) {
            ApiErrors.send(res, new AdminException(503, "kafka_unavailable", "Kafka did not answer: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            LOG.error("what-if failed error={}", e.toString(), e);
            ApiErrors.send(res, new AdminException(500, "internal_error", "what-if failed: " + e.getMessage(), e));
        } finally {
            running.release();
        }
    }

    private Map<String, Object> run(JsonNode body) {
        Instant from = instant(body, "from");
        Instant to = instant(body, "to");
        if (!from.isBefore(to)) {
            throw AdminException.badRequest("'from' (" + from + ") must be before 'to' (" + to + ")");
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw AdminException.badRequest("a what-if window is at most " + MAX_WINDOW.toMinutes() + " minutes here;"
                    + " ./dev whatif takes longer ones");
        }
        Map<String, String> filter = new HashMap<>();
        filter.put("pool", text(body, "pool"));
        filter.put("model", text(body, "model"));
        DecisionWindow.Window w = window.read(from, to, DecisionFilter.of(filter));
        List<RoutingDecision> decisions = w.decisions().stream().map(LoggedDecision::decision).toList();
        if (decisions.isEmpty()) {
            throw AdminException.notFound("no decisions between " + from + " and " + to
                    + (filter.get("pool") == null ? "" : " for pool " + filter.get("pool")));
        }
        long pools = decisions.stream().map(RoutingDecision::pool).filter(java.util.Objects::nonNull).distinct().count();
        if (pools > 1) {
            throw AdminException.badRequest("the window holds decisions for " + pools + " pools; pick one with 'pool'");
        }
        WhatIf.Arrivals arrivals = WhatIf.arrivals(decisions);
        List<String> profiles = profiles(body, arrivals.profile());
        WhatIf.Redecision redecision = WhatIf.redecide(decisions, gateway, profiles);
        int pods = integer(body, "pods", arrivals.pods() > 0 ? arrivals.pods() : FleetShape.BENCH_PODS);
        SimConfig sim = SimConfig.defaults().withCache(integer(body, "kvBlocks", FleetShape.BENCH_KV_BLOCKS))
                .withTimeScale(body.path("timeScale").asDouble(1.0));
        WhatIf.Report report = WhatIf.replay(redecision, arrivals, ReplaySetup.of(new FleetShape(pods, sim), gateway),
                profiles);
        Map<String, Object> out = WhatIfJson.of(report);
        out.put("window", Map.of("from", from.toString(), "to", to.toString(), "decisions", decisions.size(),
                "truncated", w.truncated()));
        LOG.info("what-if replayed from={} to={} decisions={} profiles={}", from, to, decisions.size(), profiles);
        return out;
    }

    private static List<String> profiles(JsonNode body, String recorded) {
        List<String> out = new ArrayList<>();
        JsonNode p = body.get("profiles");
        if (p != null && p.isArray()) {
            p.forEach(n -> out.add(n.asText()));
        } else if (p != null && p.isTextual()) {
            for (String s : p.asText().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        if (out.isEmpty() && recorded != null && !recorded.contains("/")) {
            out.add(recorded);
        }
        if (out.isEmpty()) {
            out.add("default");
        }
        return out;
    }

    private static JsonNode body(ServerRequest req) {
        try {
            JsonNode b = Json.mapper().readTree(req.content().inputStream());
            if (b == null || !b.isObject()) {
                throw AdminException.badRequest("the body must be a JSON object with 'from' and 'to'");
            }
            return b;
        } catch (IOException e) {
            throw AdminException.badRequest("the body is not JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode body, String name) {
        JsonNode v = body.get(name);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText().trim();
    }

    private static int integer(JsonNode body, String name, int fallback) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt()) {
            throw AdminException.badRequest("'" + name + "' must be a whole number, was " + v);
        }
        return v.asInt();
    }

    private static Instant instant(JsonNode body, String name) {
        String t = text(body, name);
        if (t == null) {
            throw AdminException.badRequest("'" + name + "' is required (an RFC 3339 time or epoch milliseconds)");
        }
        try {
            return t.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(t)) : Instant.parse(t);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw AdminException.badRequest("'" + name + "' must be an RFC 3339 time (2026-12-02T13:00:00Z) or epoch"
                    + " milliseconds, was '" + t + "'");
        }
    }
}
