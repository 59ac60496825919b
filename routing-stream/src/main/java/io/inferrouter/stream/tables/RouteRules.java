package io.inferrouter.stream.tables;

import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Resolves an HTTPRoute's InferencePool backends to pool keys. Backends of other kinds are left out
 * (this gateway routes only to InferencePools) with a reason; a missing or unaccepted pool makes the
 * route UnresolvedRefs, and its rule keeps only the pools that resolve.
 */
public final class RouteRules {

    private RouteRules() {
    }

    /** The pool keys a route's InferencePool backends name, resolved or not. */
    public static Set<ResourceKey> poolKeysOf(HttpRoute route) {
        Set<ResourceKey> keys = new LinkedHashSet<>();
        for (HttpRoute.Rule rule : route.rules()) {
            for (HttpRoute.BackendRef ref : rule.backendRefs()) {
                if (ref.isInferencePool()) {
                    keys.add(poolKey(route, ref));
                }
            }
        }
        return keys;
    }

    public static RouteRow row(HttpRoute route, Function<ResourceKey, PoolRow> pools) {
        List<String> reasons = new ArrayList<>(route.validationErrors());
        boolean invalid = !reasons.isEmpty();
        boolean unresolved = false;
        long newest = route.observedAtMs();
        List<RouteRow.Rule> rules = new ArrayList<>();
        for (int i = 0; i < route.rules().size(); i++) {
            HttpRoute.Rule rule = route.rules().get(i);
            List<RouteRow.WeightedPool> resolved = new ArrayList<>();
            for (HttpRoute.BackendRef ref : rule.backendRefs()) {
                if (!ref.isInferencePool()) {
                    reasons.add("rules[" + i + "] backend " + ref.kind() + " " + ref.name()
                            + " is ignored: only InferencePool backends are routed by this gateway");
                    continue;
                }
                ResourceKey key = poolKey(route, ref);
                PoolRow pool = pools.apply(key);
                if (pool == null || pool.status() != RowStatus.Accepted) {
                    unresolved = true;
                    reasons.add("rules[" + i + "] backend pool " + key
                            + (pool == null ? " does not exist" : " is not accepted"));
                    continue;
                }
                newest = Math.max(newest, pool.updatedAtMs());
                resolved.add(new RouteRow.WeightedPool(key, ref.weight()));
            }
            if (!resolved.isEmpty()) {
                rules.add(new RouteRow.Rule(rule.matches(), resolved));
            }
        }
        RowStatus status = invalid ? RowStatus.Invalid : unresolved ? RowStatus.UnresolvedRefs : RowStatus.Accepted;
        return new RouteRow(route.key(), route.hostnames(), rules, status, reasons.stream().distinct().toList(), newest);
    }

    /** A backend without a namespace is in the route's own. */
    private static ResourceKey poolKey(HttpRoute route, HttpRoute.BackendRef ref) {
        return ref.namespace() == null || ref.namespace().isBlank() ? route.key().sibling(ref.name())
                : ResourceKey.of(ref.namespace(), ref.name());
    }
}
