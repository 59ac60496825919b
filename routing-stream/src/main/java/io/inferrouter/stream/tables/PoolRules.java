package io.inferrouter.stream.tables;

import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Whether a pool is usable, and which pods it selects. */
public final class PoolRules {

    static final int MAX_TARGET_PORTS = 8;

    private PoolRules() {
    }

    public static PoolRow row(InferencePool pool) {
        List<String> reasons = new ArrayList<>(pool.validationErrors());
        reasons.addAll(check(pool));
        List<String> unique = reasons.stream().distinct().toList();
        return new PoolRow(pool, unique.isEmpty() ? RowStatus.Accepted : RowStatus.Invalid, unique, pool.observedAtMs());
    }

    /** The topology's own checks; the ingestor checks too, but a record from elsewhere must not break routing. */
    static List<String> check(InferencePool pool) {
        List<String> reasons = new ArrayList<>();
        if (pool.selector().isEmpty()) {
            reasons.add("selector is empty: a pool must select its pods by at least one label");
        }
        if (pool.targetPorts().isEmpty() || pool.targetPorts().size() > MAX_TARGET_PORTS) {
            reasons.add("targetPorts must list 1-" + MAX_TARGET_PORTS + " ports, has " + pool.targetPorts().size());
        }
        Set<Integer> seen = new HashSet<>();
        for (Integer port : pool.targetPorts()) {
            if (port == null || port < 1 || port > 65535) {
                reasons.add("target port " + port + " is outside 1-65535");
            } else if (!seen.add(port)) {
                reasons.add("target port " + port + " is listed twice");
            }
        }
        return reasons;
    }

    public static boolean selects(InferencePool pool, Map<String, String> podLabels) {
        if (pool.selector().isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> e : pool.selector().entrySet()) {
            if (!e.getValue().equals(podLabels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
