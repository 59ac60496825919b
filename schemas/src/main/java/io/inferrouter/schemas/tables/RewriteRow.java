package io.inferrouter.schemas.tables;

import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.List;
import java.util.Objects;

/** An InferenceModelRewrite's row, keyed by its {@code namespace/name}, with the pool it applies to. *
 * <p>{@code updatedAtMs} is the newest observation time among the inputs that decide the row, derived from
 * the inputs only, so a replay rebuilds the same row.
 */
public record RewriteRow(ResourceKey resource, ResourceKey pool, List<InferenceModelRewrite.Rule> rules, RowStatus status,
                         List<String> reasons, long createdAtMs, long updatedAtMs) {

    public RewriteRow {
        Objects.requireNonNull(resource, "resource is required");
        Objects.requireNonNull(pool, "pool is required");
        rules = Checks.list(rules);
        Objects.requireNonNull(status, "status is required");
        reasons = Checks.list(reasons);
    }
}
