package io.inferrouter.gateway.tables;

import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import java.util.List;
import java.util.Map;

/**
 * Everything the request path reads, as one immutable value; the replica swaps in a new one after
 * each batch of table updates. Indexes are built here, once per update, so a request only looks up.
 *
 * @param pools            pools by key
 * @param modelsByName     Accepted InferenceModels by modelName (one per pool that serves the name), sorted by pool
 * @param objectivesByPool Accepted InferenceObjectives by the pool they name, then by their name (a request
 *                         names an objective of its pool's namespace by name only)
 * @param rewritesByName   Accepted rewrite rules by the model name they match
 * @param routes           HTTPRoutes with at least one resolved pool
 * @param version          increases with every swap
 */
public record RoutingSnapshot(Map<ResourceKey, PoolSnapshot> pools, Map<String, List<ModelRow>> modelsByName,
                              Map<ResourceKey, Map<String, ObjectiveRow>> objectivesByPool,
                              Map<String, List<RewriteMatch>> rewritesByName, List<RouteRow> routes, long version) {

    public static final RoutingSnapshot EMPTY =
            new RoutingSnapshot(Map.of(), Map.of(), Map.of(), Map.of(), List.of(), 0);

    /** One rewrite rule that matches a model name, with the pool it applies to. */
    public record RewriteMatch(ResourceKey pool, RewriteRow rewrite, int rule) {
    }

    /** The Accepted objective {@code name} of {@code pool}'s namespace that names {@code pool}, or null. */
    public ObjectiveRow objective(ResourceKey pool, String name) {
        Map<String, ObjectiveRow> ofPool = objectivesByPool.get(pool);
        return ofPool == null ? null : ofPool.get(name);
    }

    public int endpointCount() {
        int n = 0;
        for (PoolSnapshot p : pools.values()) {
            n += p.endpoints().size();
        }
        return n;
    }
}
