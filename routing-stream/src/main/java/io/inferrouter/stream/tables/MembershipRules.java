package io.inferrouter.stream.tables;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A pod is an endpoint of a pool when it is in the pool's namespace, its labels match the pool's
 * selector, it is Ready and not terminating, and the pool is accepted. Each target port of the pool
 * gives its own endpoint, {@code podIP:port}.
 */
public final class MembershipRules {

    private MembershipRules() {
    }

    /**
     * The endpoints of one pod.
     *
     * @param pod   the pod, or null when it was deleted
     * @param pools the pool rows of the pod's namespace
     */
    public static Map<EndpointId, EndpointMembership> endpointsOf(Pod pod, List<PoolRow> pools) {
        if (pod == null || !pod.routable() || !pod.valid()) {
            return Map.of();
        }
        Map<EndpointId, TreeSet<ResourceKey>> poolsByEndpoint = new TreeMap<>();
        Map<EndpointId, Long> observed = new HashMap<>();
        for (PoolRow row : pools) {
            if (row.status() != RowStatus.Accepted
                    || !row.pool().meta().namespace().equals(pod.meta().namespace())
                    || !PoolRules.selects(row.pool(), pod.labels())) {
                continue;
            }
            for (int port : row.pool().targetPorts()) {
                EndpointId id = EndpointId.of(pod.key(), port);
                poolsByEndpoint.computeIfAbsent(id, k -> new TreeSet<>()).add(row.key());
                observed.merge(id, row.pool().observedAtMs(), Math::max);
            }
        }
        Map<EndpointId, EndpointMembership> result = new TreeMap<>();
        poolsByEndpoint.forEach((id, poolKeys) -> result.put(id, new EndpointMembership(id, pod.ip(), id.port(),
                pod.labels(), new ArrayList<>(poolKeys), Math.max(pod.observedAtMs(), observed.get(id)))));
        return result;
    }
}
