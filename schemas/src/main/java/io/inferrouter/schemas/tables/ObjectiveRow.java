package io.inferrouter.schemas.tables;

import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.List;
import java.util.Objects;

/**
 * An InferenceObjective's row, keyed by its {@code namespace/name}; requests name it in the
 * {@code x-gateway-inference-objective} header.
 *
 * @param priority the effective priority (0 when unset); negative is sheddable
 *
 * <p>{@code updatedAtMs} is the newest observation time among the inputs that decide the row, derived from
 * the inputs only, so a replay rebuilds the same row.
 */
public record ObjectiveRow(ResourceKey resource, ResourceKey pool, int priority, RowStatus status, List<String> reasons,
                           long updatedAtMs) {

    public ObjectiveRow {
        Objects.requireNonNull(resource, "resource is required");
        Objects.requireNonNull(pool, "pool is required");
        Objects.requireNonNull(status, "status is required");
        reasons = Checks.list(reasons);
    }
}
