package io.inferrouter.schemas.tables;

import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.List;
import java.util.Objects;

/**
 * An HTTPRoute's row, keyed by its {@code namespace/name}: its rules with every InferencePool
 * backend resolved to a pool key.
 *
 * <p>{@code updatedAtMs} is the newest observation time among the inputs that decide the row, derived from
 * the inputs only, so a replay rebuilds the same row.
 */
public record RouteRow(ResourceKey resource, List<String> hostnames, List<Rule> rules, RowStatus status,
                       List<String> reasons, long updatedAtMs) {

    public RouteRow {
        Objects.requireNonNull(resource, "resource is required");
        hostnames = Checks.list(hostnames);
        rules = Checks.list(rules);
        Objects.requireNonNull(status, "status is required");
        reasons = Checks.list(reasons);
    }

    public record Rule(List<HttpRoute.Match> matches, List<WeightedPool> pools) {
        public Rule {
            matches = Checks.list(matches);
            pools = Checks.list(pools);
        }
    }

    /** A backend pool key with its weight among the rule's backends. */
    public record WeightedPool(ResourceKey pool, int weight) {
        public WeightedPool {
            Objects.requireNonNull(pool, "pool is required");
            if (weight < 0) {
                throw new IllegalArgumentException("weight must be >= 0, was " + weight);
            }
        }
    }
}
