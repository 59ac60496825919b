package io.inferrouter.admin.decisions;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.admin.api.AdminException;
import io.inferrouter.admin.api.ApiErrors;
import io.inferrouter.gateway.api.RequestIds;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decisions and replay over HTTP:
 * <ul>
 *   <li>{@code GET /api/decisions?model=&pool=&endpoint=&status=&limit=}: the newest, newest first</li>
 *   <li>{@code GET /api/decisions/window?from=&to=&...}: a window read from Kafka, in arrival order</li>
 *   <li>{@code GET /api/decisions/{request-id}}: one request's decision, from memory or from anywhere in
 *       the topic's retention, with its {@link Explanation}</li>
 *   <li>{@code POST /api/replays} {@code {"from", "to", "id"?, "model"?, ...}}: copy a window to the
 *       replay topic; {@code GET /api/replays/{id}}: read a replay back</li>
 * </ul>
 * Times are ISO-8601 instants ({@code 2026-12-01T07:00:00Z}) or epoch milliseconds.
 */
public final class DecisionsService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionsService.class);

    private static final int DEFAULT_LIMIT = 100;
    /** How long after the time its id names a request's decision is looked for (requests end later). */
    static final Duration LOOKUP_SPAN = Duration.ofHours(1);
    /** Records of one partition read, at most, for an id without a time (a client's own). */
    static final int LOOKUP_MAX_RECORDS = 2_000_000;
    private static final int MAX_ID_LENGTH = 128;

    private final DecisionTail tail;
    private final DecisionWindow window;
    private final int maxRecent;

    public DecisionsService(DecisionTail tail, DecisionWindow window, int maxRecent) {
        this.tail = tail;
        this.window = window;
        this.maxRecent = maxRecent;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/decisions", (req, res) -> handle(res, () -> recent(req)))
                .get("/api/decisions/window", (req, res) -> handle(res, () -> window(req)))
                .get("/api/decisions/{id}", (req, res) -> handle(res, () -> one(req)))
                .post("/api/replays", (req, res) -> handle(res, () -> replay(req), 201))
                .get("/api/replays/{id}", (req, res) -> handle(res, () -> replayed(req)));
    }

    private Object recent(ServerRequest req) {
        Map<String, String> q = query(req);
        int limit = limit(q.get("limit"));
        List<LoggedDecision> found = tail.recent(DecisionFilter.of(q), limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("following", tail.ready());
        out.put("decisions", found);
        return out;
    }

    private Object one(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH || !id.chars().allMatch(c -> c > 32 && c < 127)) {
            throw AdminException.badRequest("a request id is 1-" + MAX_ID_LENGTH + " visible ASCII characters");
        }
        LoggedDecision found = tail.find(id);
        String from = "memory";
        if (found == null) {
            found = window.find(id, RequestIds.timeOf(id), LOOKUP_SPAN, LOOKUP_MAX_RECORDS);
            from = "kafka";
        }
        if (found == null) {
            throw AdminException.notFound("no decision for request '" + id + "' in " + Topics.DECISIONS.name()
                    + " (kept " + (Topics.DECISIONS.retention() == null ? "forever"
                    : Topics.DECISIONS.retention().toHours() + " h") + "; a decision is written when its request ends)");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partition", found.partition());
        out.put("offset", found.offset());
        out.put("loggedAtMs", found.loggedAtMs());
        out.put("foundIn", from);
        out.put("decision", found.decision());
        out.put("explanation", Explanation.of(found.decision()));
        return out;
    }

    private Object window(ServerRequest req) {
        Map<String, String> q = query(req);
        return window.read(instant(q.get("from"), "from"), instant(q.get("to"), "to"), DecisionFilter.of(q));
    }

    private Object replay(ServerRequest req) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(req.content().inputStream());
        } catch (IOException e) {
            throw AdminException.badRequest("the body is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw AdminException.badRequest("the body must be a JSON object with 'from' and 'to'");
        }
        Map<String, String> fields = new HashMap<>();
        body.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        return window.replay(fields.get("id"), instant(fields.get("from"), "from"), instant(fields.get("to"), "to"),
                DecisionFilter.of(fields));
    }

    private Object replayed(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        List<LoggedDecision> found = window.replayed(id);
        if (found.isEmpty()) {
            throw AdminException.notFound("no replay '" + id + "' in the replay topic (replays are kept 7 days)");
        }
        return Map.of("id", id, "decisions", found);
    }

    private int limit(String text) {
        if (text == null || text.isBlank()) {
            return Math.min(DEFAULT_LIMIT, maxRecent);
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n < 1 || n > maxRecent) {
                throw AdminException.badRequest("limit must be 1-" + maxRecent + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw AdminException.badRequest("limit must be a number, was '" + text + "'");
        }
    }

    static Instant instant(String text, String name) {
        if (text == null || text.isBlank()) {
            throw AdminException.badRequest("'" + name + "' is required (an ISO-8601 instant or epoch milliseconds)");
        }
        String t = text.trim();
        try {
            return t.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(t)) : Instant.parse(t);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw AdminException.badRequest("'" + name + "' must be an ISO-8601 instant (2026-12-01T07:00:00Z) or epoch"
                    + " milliseconds, was '" + text + "'");
        }
    }

    private static Map<String, String> query(ServerRequest req) {
        Map<String, String> q = new HashMap<>();
        for (String name : req.query().names()) {
            q.put(name, req.query().get(name));
        }
        return q;
    }

    private interface Action {
        Object run();
    }

    private static void handle(ServerResponse res, Action action) {
        handle(res, action, 200);
    }

    private static void handle(ServerResponse res, Action action, int okStatus) {
        try {
            ApiErrors.sendJson(res, okStatus, action.run());
        } catch (AdminException e) {
            ApiErrors.send(res, e);
        } catch (KafkaException e) {
            LOG.warn("decisions request failed: kafka error={}", e.toString());
            ApiErrors.send(res, new AdminException(503, "kafka_unavailable", "Kafka did not answer: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            LOG.error("decisions request failed error={}", e.toString(), e);
            ApiErrors.send(res, new AdminException(500, "internal_error", "admin-ui failed: " + e.getMessage(), e));
        }
    }
}
