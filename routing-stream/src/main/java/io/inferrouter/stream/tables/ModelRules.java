package io.inferrouter.stream.tables;

import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.TargetModel;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The status of InferenceModels. A modelName is unique per pool: among the valid models that claim
 * it, the oldest (creation time, then key) wins and the others get ModelNameInUse, as upstream does.
 */
public final class ModelRules {

    /** Oldest first; the key breaks ties so that the winner does not depend on arrival order. */
    static final Comparator<Map.Entry<ResourceKey, InferenceModel>> AGE = Comparator
            .comparingLong((Map.Entry<ResourceKey, InferenceModel> e) -> e.getValue().meta().createdAtMs())
            .thenComparing(Map.Entry::getKey);

    private ModelRules() {
    }

    /** The pool key a model refers to. */
    public static ResourceKey poolKeyOf(InferenceModel model) {
        return model.poolRef().poolKey(model.meta().namespace());
    }

    /**
     * Rows for every model of one (pool, modelName) group.
     *
     * @param group the models that claim the name in the pool, by key
     * @param pool  the pool's row, or null when the pool does not exist
     */
    public static Map<ResourceKey, ModelRow> rows(Map<ResourceKey, InferenceModel> group, PoolRow pool) {
        List<Map.Entry<ResourceKey, InferenceModel>> byAge = new ArrayList<>(group.entrySet());
        byAge.sort(AGE);
        long newest = group.values().stream().mapToLong(InferenceModel::observedAtMs).max().orElse(0);
        if (pool != null) {
            newest = Math.max(newest, pool.updatedAtMs());
        }
        Map<ResourceKey, ModelRow> rows = new HashMap<>();
        ResourceKey winner = null;
        for (Map.Entry<ResourceKey, InferenceModel> e : byAge) {
            InferenceModel m = e.getValue();
            List<String> invalid = check(m);
            RowStatus status;
            List<String> reasons;
            if (!invalid.isEmpty()) {
                status = RowStatus.Invalid;
                reasons = invalid;
            } else if (pool == null) {
                status = RowStatus.UnresolvedRefs;
                reasons = List.of("pool " + poolKeyOf(m) + " does not exist");
            } else if (pool.status() != RowStatus.Accepted) {
                status = RowStatus.UnresolvedRefs;
                reasons = List.of("pool " + poolKeyOf(m) + " is not accepted: " + String.join("; ", pool.reasons()));
            } else if (winner == null) {
                winner = e.getKey();
                status = RowStatus.Accepted;
                reasons = List.of();
            } else {
                status = RowStatus.ModelNameInUse;
                reasons = List.of("modelName " + m.modelName() + " is already used in pool " + poolKeyOf(m)
                        + " by the older " + winner);
            }
            rows.put(e.getKey(), new ModelRow(e.getKey(), poolKeyOf(m), m.modelName(), m.effectiveCriticality(),
                    m.targetModels(), status, reasons, m.meta().createdAtMs(), newest));
        }
        return rows;
    }

    static List<String> check(InferenceModel model) {
        List<String> reasons = new ArrayList<>(model.validationErrors());
        long weighted = model.targetModels().stream().filter(t -> t.weight() != null).count();
        if (weighted != 0 && weighted != model.targetModels().size()) {
            reasons.add("targetModels must give a weight to all targets or to none");
        }
        if (weighted == model.targetModels().size() && weighted != 0
                && model.targetModels().stream().mapToInt(TargetModel::weight).sum() == 0) {
            reasons.add("targetModels weights must not all be 0");
        }
        return reasons.stream().distinct().toList();
    }
}
