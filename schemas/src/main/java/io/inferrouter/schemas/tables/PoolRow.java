package io.inferrouter.schemas.tables;

import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.List;
import java.util.Objects;

/**
 * A pool's row in the pools table, keyed {@code namespace/name}.
 *
 * @param pool       the pool as last published
 * @param status     Accepted or Invalid
 * @param reasons    why it is not Accepted; empty when it is
 * @param updatedAtMs the newest observation time among the inputs that decide this row; derived from the
 *                    inputs only, so a replay rebuilds the same row
 */
public record PoolRow(InferencePool pool, RowStatus status, List<String> reasons, long updatedAtMs) {

    public PoolRow {
        Objects.requireNonNull(pool, "pool is required");
        Objects.requireNonNull(status, "status is required");
        reasons = Checks.list(reasons);
    }

    public ResourceKey key() {
        return pool.key();
    }
}
