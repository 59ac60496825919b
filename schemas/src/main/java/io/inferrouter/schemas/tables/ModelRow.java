package io.inferrouter.schemas.tables;

import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.TargetModel;
import java.util.List;
import java.util.Objects;

/**
 * An InferenceModel's row in the models table, keyed by the InferenceModel's {@code namespace/name}
 * (so a loser of a modelName conflict keeps its own row with status ModelNameInUse).
 *
 * @param resource     the InferenceModel's key
 * @param pool         the pool key it refers to
 * @param modelName    the name clients send
 * @param criticality  the effective criticality (Standard when unset)
 * @param targets      the traffic split; empty means serve {@code modelName} as is
 * @param status       Accepted, Invalid, UnresolvedRefs or ModelNameInUse
 * @param reasons      why it is not Accepted
 * @param createdAtMs  the object's creation time, which decides name conflicts
 *
 * <p>{@code updatedAtMs} is the newest observation time among the inputs that decide the row, derived from
 * the inputs only, so a replay rebuilds the same row.
 */
public record ModelRow(ResourceKey resource, ResourceKey pool, String modelName, Criticality criticality,
                       List<TargetModel> targets, RowStatus status, List<String> reasons,
                       long createdAtMs, long updatedAtMs) {

    public ModelRow {
        Objects.requireNonNull(resource, "resource is required");
        Objects.requireNonNull(pool, "pool is required");
        Checks.required(modelName, "modelName");
        criticality = criticality == null ? Criticality.Standard : criticality;
        targets = Checks.list(targets);
        Objects.requireNonNull(status, "status is required");
        reasons = Checks.list(reasons);
    }
}
