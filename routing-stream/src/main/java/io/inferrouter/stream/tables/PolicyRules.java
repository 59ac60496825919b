package io.inferrouter.stream.tables;

import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.ArrayList;
import java.util.List;

/** Status of the resources that shape requests to a pool: InferenceObjectives and InferenceModelRewrites. */
public final class PolicyRules {

    private PolicyRules() {
    }

    public static ResourceKey poolKeyOf(InferenceObjective objective) {
        return objective.poolRef().poolKey(objective.meta().namespace());
    }

    /** The pool key a rewrite refers to, or null when it names none. */
    public static ResourceKey poolKeyOf(InferenceModelRewrite rewrite) {
        return rewrite.poolRef() == null ? null : rewrite.poolRef().poolKey(rewrite.meta().namespace());
    }

    public static ObjectiveRow row(InferenceObjective o, PoolRow pool) {
        Resolution r = resolve(o.validationErrors(), poolKeyOf(o), pool);
        return new ObjectiveRow(o.key(), poolKeyOf(o), o.effectivePriority(), r.status(), r.reasons(),
                newest(o.observedAtMs(), pool));
    }

    public static RewriteRow row(InferenceModelRewrite w, PoolRow pool) {
        List<String> invalid = new ArrayList<>(w.validationErrors());
        if (w.poolRef() == null) {
            invalid.add("poolRef is required");
        }
        if (w.rules().isEmpty()) {
            invalid.add("rules must not be empty");
        }
        for (int i = 0; i < w.rules().size(); i++) {
            InferenceModelRewrite.Rule rule = w.rules().get(i);
            if (rule.targets().isEmpty()) {
                invalid.add("rules[" + i + "] has no targets");
            }
            long weighted = rule.targets().stream().filter(t -> t.weight() != null).count();
            if (weighted != 0 && weighted != rule.targets().size()) {
                invalid.add("rules[" + i + "] must give a weight to all targets or to none");
            }
            for (InferenceModelRewrite.ModelMatch m : rule.matches()) {
                if (!"Exact".equals(m.type())) {
                    invalid.add("rules[" + i + "] match type " + m.type() + " is not supported (only Exact)");
                }
            }
        }
        ResourceKey poolKey = poolKeyOf(w);
        Resolution r = resolve(invalid, poolKey, pool);
        return new RewriteRow(w.key(), poolKey, w.rules(), r.status(),
                r.reasons(), w.meta().createdAtMs(), newest(w.observedAtMs(), pool));
    }

    private record Resolution(RowStatus status, List<String> reasons) {
    }

    private static Resolution resolve(List<String> invalid, ResourceKey poolKey, PoolRow pool) {
        List<String> distinct = invalid.stream().distinct().toList();
        if (!distinct.isEmpty()) {
            return new Resolution(RowStatus.Invalid, distinct);
        }
        if (pool == null) {
            return new Resolution(RowStatus.UnresolvedRefs, List.of("pool " + poolKey + " does not exist"));
        }
        if (pool.status() != RowStatus.Accepted) {
            return new Resolution(RowStatus.UnresolvedRefs, List.of("pool " + poolKey + " is not accepted"));
        }
        return new Resolution(RowStatus.Accepted, List.of());
    }

    private static long newest(long observedAtMs, PoolRow pool) {
        return pool == null ? observedAtMs : Math.max(observedAtMs, pool.updatedAtMs());
    }
}
