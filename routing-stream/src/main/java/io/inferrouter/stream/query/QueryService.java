package io.inferrouter.stream.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.schemas.tables.RowStatus;
import io.inferrouter.stream.topology.StoreNames;
import io.inferrouter.support.ErrorBody;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interactive queries over HTTP, JSON out:
 * <ul>
 *   <li>{@code GET /v1/pools}: every pool with its status</li>
 *   <li>{@code GET /v1/pools/{namespace}/{name}}: one pool, its endpoints with their latest metrics,
 *       its models, objectives and rewrites; with {@code ?at=<RFC 3339 time>}, the same as it was then,
 *       rebuilt from the table topics by {@link PoolHistory}, with an {@code asOf} object</li>
 *   <li>{@code GET /v1/models}, {@code /v1/objectives}, {@code /v1/rewrites}, {@code /v1/routes}</li>
 *   <li>{@code GET /v1/status}: the status and reasons of every resource</li>
 * </ul>
 * Internal, between instances: {@code GET /internal/endpoints?pool=ns/name}, and {@code ?local=true}
 * on the control-plane queries.
 */
public final class QueryService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);
    private static final String INVALID_REQUEST = "invalid_request_error";

    private final TableQueries queries;
    private final PoolHistory history;

    public QueryService(TableQueries queries, PoolHistory history) {
        this.queries = queries;
        this.history = history;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/pools", this::pools)
                .get("/v1/pools/{namespace}/{name}", this::pool)
                .get("/v1/models", (req, res) -> list(req, res, "models", StoreNames.MODEL_ROWS))
                .get("/v1/objectives", (req, res) -> list(req, res, "objectives", StoreNames.OBJECTIVE_ROWS))
                .get("/v1/rewrites", (req, res) -> list(req, res, "rewrites", StoreNames.REWRITE_ROWS))
                .get("/v1/routes", (req, res) -> list(req, res, "routes", StoreNames.ROUTE_ROWS))
                .get("/v1/status", this::status)
                .get("/internal/endpoints", this::localEndpoints);
    }

    private void pools(ServerRequest req, ServerResponse res) {
        answer(res, () -> controlPlane(req, () -> Map.of("pools", queries.local().all(StoreNames.POOL_ROWS))));
    }

    private void list(ServerRequest req, ServerResponse res, String name, String store) {
        answer(res, () -> controlPlane(req, () -> Map.of(name, queries.local().all(store))));
    }

    private void pool(ServerRequest req, ServerResponse res) {
        String namespace = req.path().pathParameters().get("namespace");
        String name = req.path().pathParameters().get("name");
        if (!ResourceKey.isValid(namespace + "/" + name)) {
            // No pool can have such a key: the same answer as for any pool that does not exist.
            error(res, Status.NOT_FOUND_404, "not_found", "pool " + namespace + "/" + name + " does not exist");
            return;
        }
        ResourceKey key = ResourceKey.of(namespace, name);
        Optional<String> at = req.query().first("at").asOptional();
        if (at.isPresent()) {
            poolAsOf(res, key, at.get());
            return;
        }
        answer(res, () -> {
            byte[] control = controlPlane(req, () -> poolControlPart(key));
            if (isLocalOnly(req)) {
                return control;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> body = Json.mapper().readValue(control, LinkedHashMap.class);
            if (body.get("pool") == null) {
                throw new NotFound("pool " + key + " does not exist");
            }
            body.put("endpoints", queries.endpointsOf(key));
            return Json.mapper().writeValueAsBytes(body);
        });
    }

    /** Read from Kafka by this instance, whichever owns the tables now: no forwarding. */
    private void poolAsOf(ServerResponse res, ResourceKey key, String rawAt) {
        Instant at;
        try {
            at = history.at(rawAt);
        } catch (IllegalArgumentException e) {
            error(res, Status.BAD_REQUEST_400, INVALID_REQUEST, e.getMessage());
            return;
        }
        answer(res, () -> Json.mapper().writeValueAsBytes(history.poolAt(key, at)));
    }

    private Map<String, Object> poolControlPart(ResourceKey key) {
        LocalTables local = queries.local();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pool", local.<PoolRow>get(StoreNames.POOL_ROWS, key));
        body.put("models", local.<ModelRow>all(StoreNames.MODEL_ROWS).stream().filter(m -> m.pool().equals(key)).toList());
        body.put("objectives", local.<ObjectiveRow>all(StoreNames.OBJECTIVE_ROWS).stream()
                .filter(o -> o.pool().equals(key)).toList());
        body.put("rewrites", local.<RewriteRow>all(StoreNames.REWRITE_ROWS).stream()
                .filter(w -> key.equals(w.pool())).toList());
        return body;
    }

    private void status(ServerRequest req, ServerResponse res) {
        answer(res, () -> controlPlane(req, () -> {
            LocalTables local = queries.local();
            List<Map<String, Object>> all = new ArrayList<>();
            local.<PoolRow>all(StoreNames.POOL_ROWS).forEach(r -> all.add(entry("InferencePool", r.key(), r.status(), r.reasons())));
            local.<ModelRow>all(StoreNames.MODEL_ROWS).forEach(r -> all.add(entry("InferenceModel", r.resource(), r.status(), r.reasons())));
            local.<ObjectiveRow>all(StoreNames.OBJECTIVE_ROWS).forEach(r -> all.add(entry("InferenceObjective", r.resource(), r.status(), r.reasons())));
            local.<RewriteRow>all(StoreNames.REWRITE_ROWS).forEach(r -> all.add(entry("InferenceModelRewrite", r.resource(), r.status(), r.reasons())));
            local.<RouteRow>all(StoreNames.ROUTE_ROWS).forEach(r -> all.add(entry("HTTPRoute", r.resource(), r.status(), r.reasons())));
            return Map.of("resources", all);
        }));
    }

    private void localEndpoints(ServerRequest req, ServerResponse res) {
        Optional<String> pool = req.query().first("pool").asOptional();
        if (pool.isEmpty()) {
            error(res, Status.BAD_REQUEST_400, INVALID_REQUEST, "query parameter 'pool' (namespace/name) is required");
            return;
        }
        if (!ResourceKey.isValid(pool.get())) {
            // No pool can have such a key, so it has no endpoints here.
            answer(res, () -> Json.mapper().writeValueAsBytes(List.of()));
            return;
        }
        ResourceKey key = ResourceKey.parse(pool.get());
        answer(res, () -> Json.mapper().writeValueAsBytes(queries.local().endpointsOf(key)));
    }

    private static Map<String, Object> entry(String kind, ResourceKey key, RowStatus status, List<String> reasons) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("key", key);
        m.put("status", status);
        m.put("reasons", reasons);
        return m;
    }

    /** Answers from this instance's stores if it owns the control plane, else from the owner. */
    private byte[] controlPlane(ServerRequest req, Supplier<Object> localAnswer) throws JsonProcessingException {
        if (!isLocalOnly(req)) {
            Optional<HostInfo> owner = queries.controlPlaneOwner();
            if (owner.isPresent()) {
                return queries.forward(owner.get(), req.path().path(), req.query().rawValue());
            }
        }
        return Json.mapper().writeValueAsBytes(localAnswer.get());
    }

    private static boolean isLocalOnly(ServerRequest req) {
        return req.query().first("local").asOptional().map(Boolean::parseBoolean).orElse(false);
    }

    @FunctionalInterface
    private interface Body {
        byte[] get() throws Exception;
    }

    private static void answer(ServerResponse res, Body body) {
        try {
            byte[] bytes = body.get();
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(bytes);
        } catch (NotFound e) {
            error(res, Status.NOT_FOUND_404, "not_found", e.getMessage());
        } catch (QueryUnavailableException e) {
            error(res, Status.SERVICE_UNAVAILABLE_503, "unavailable", e.getMessage());
        } catch (HistoryException e) {
            error(res, Status.create(e.status()), e.type(), e.getMessage());
        } catch (Exception e) {
            LOG.warn("query failed error={}", e.toString(), e);
            error(res, Status.INTERNAL_SERVER_ERROR_500, "internal_error", "query failed: " + e.getMessage());
        }
    }

    static void error(ServerResponse res, Status status, String type, String message) {
        ErrorBody.send(res, status.code(), message, type, Integer.toString(status.code()));
    }

    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }
}
