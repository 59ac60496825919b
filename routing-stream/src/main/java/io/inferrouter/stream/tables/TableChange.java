package io.inferrouter.stream.tables;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;

/**
 * One change the control-plane rules produce: a new row for one output table, or a tombstone when
 * the row is null. One record per table, so that the topology routes them with an exhaustive switch.
 */
public sealed interface TableChange permits TableChange.PoolRowChange, TableChange.ModelRowChange,
        TableChange.ObjectiveRowChange, TableChange.RewriteRowChange, TableChange.RouteRowChange,
        TableChange.MembershipChange {

    /** The row's key: a {@link ResourceKey}, or an {@link EndpointId} for a membership. */
    Object key();

    /** The record key on the output topic: the text of the row's key. */
    default String recordKey() {
        return key().toString();
    }

    /** A pool's row in {@code tables.pools}. */
    record PoolRowChange(ResourceKey key, PoolRow row) implements TableChange {
    }

    /** An InferenceModel's row in {@code tables.models}. */
    record ModelRowChange(ResourceKey key, ModelRow row) implements TableChange {
    }

    /** An InferenceObjective's row in {@code tables.objectives}. */
    record ObjectiveRowChange(ResourceKey key, ObjectiveRow row) implements TableChange {
    }

    /** An InferenceModelRewrite's row in {@code tables.rewrites}. */
    record RewriteRowChange(ResourceKey key, RewriteRow row) implements TableChange {
    }

    /** An HTTPRoute's row in {@code tables.routes}. */
    record RouteRowChange(ResourceKey key, RouteRow row) implements TableChange {
    }

    /** An endpoint's pool memberships, on their way to the endpoint table (internal, repartitioned). */
    record MembershipChange(EndpointId key, EndpointMembership row) implements TableChange {
    }
}
