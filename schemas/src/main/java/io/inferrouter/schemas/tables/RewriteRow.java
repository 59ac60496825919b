package io.inferrouter.schemas.tables;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.List;
import java.util.Objects;

/**
 * An InferenceModelRewrite's row, keyed by its {@code namespace/name}, with the pool it applies to.
 *
 * <p>{@code updatedAtMs} is the newest observation time among the inputs that decide the row, derived from
 * the inputs only, so a replay rebuilds the same row.
 *
 * @param pool the pool it applies to; null when the rewrite names none (then it is Invalid), written
 *             {@value #NO_POOL} on the wire as version 1 wrote it
 */
public record RewriteRow(ResourceKey resource, ResourceKey pool, List<InferenceModelRewrite.Rule> rules,
                         RowStatus status, List<String> reasons, long createdAtMs, long updatedAtMs) {

    /** The wire form of a missing pool. */
    public static final String NO_POOL = "(none)";

    public RewriteRow {
        Objects.requireNonNull(resource, "resource is required");
        rules = Checks.list(rules);
        Objects.requireNonNull(status, "status is required");
        reasons = Checks.list(reasons);
        if (pool == null && status == RowStatus.Accepted) {
            throw new IllegalArgumentException("an Accepted rewrite needs a pool");
        }
    }

    @JsonValue
    Wire wire() {
        return new Wire(resource.toString(), pool == null ? NO_POOL : pool.toString(), rules, status, reasons,
                createdAtMs, updatedAtMs);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static RewriteRow fromWire(Wire w) {
        return new RewriteRow(ResourceKey.parse(Checks.required(w.resource(), "resource")),
                NO_POOL.equals(w.pool()) ? null : ResourceKey.parse(Checks.required(w.pool(), "pool")), w.rules(),
                w.status(), w.reasons(), w.createdAtMs(), w.updatedAtMs());
    }

    /** The wire form; see rewrite-row.schema.json. */
    record Wire(String resource, String pool, List<InferenceModelRewrite.Rule> rules, RowStatus status,
                List<String> reasons, long createdAtMs, long updatedAtMs) {
    }
}
