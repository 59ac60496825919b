package io.inferrouter.gateway.tables;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The replica's working state: the latest row of every table, updated one record at a time by the
 * replica thread only, and turned into a new immutable {@link RoutingSnapshot} after each batch.
 * Only the pools touched by the batch are rebuilt.
 */
public final class SnapshotBuilder {

    private final Map<ResourceKey, PoolRow> pools = new HashMap<>();
    /** The offset of each pool row in its table topic: the version a decision read. */
    private final Map<ResourceKey, Long> poolOffsets = new HashMap<>();
    private final Map<ResourceKey, TreeMap<EndpointId, Endpoint>> endpoints = new HashMap<>();
    /** The gateway's in-flight count per endpoint, shared by the endpoint's rows in every pool it is in. */
    private final Map<EndpointId, EndpointLoad> loads = new HashMap<>();
    private final Map<ResourceKey, ModelRow> models = new TreeMap<>();
    private final Map<ResourceKey, ObjectiveRow> objectives = new TreeMap<>();
    private final Map<ResourceKey, RewriteRow> rewrites = new TreeMap<>();
    private final Map<ResourceKey, RouteRow> routes = new TreeMap<>();
    private final Set<ResourceKey> dirtyPools = new HashSet<>();
    private boolean controlDirty;
    private RoutingSnapshot current = RoutingSnapshot.EMPTY;
    private final GatewayMetrics metrics;
    private final BiConsumer<ResourceKey, EndpointId> leftPool;

    public SnapshotBuilder(GatewayMetrics metrics) {
        this(metrics, (pool, endpoint) -> { });
    }

    /** @param leftPool told (pool, endpoint) when an endpoint's row leaves a pool */
    public SnapshotBuilder(GatewayMetrics metrics, BiConsumer<ResourceKey, EndpointId> leftPool) {
        this.metrics = metrics;
        this.leftPool = leftPool;
    }

    public void pool(ResourceKey key, PoolRow row) {
        pool(key, row, -1);
    }

    /** @param offset the row's offset in its table topic, -1 when unknown */
    public void pool(ResourceKey key, PoolRow row, long offset) {
        if (row == null) {
            pools.remove(key);
            poolOffsets.remove(key);
        } else {
            pools.put(key, row);
            poolOffsets.put(key, offset);
        }
        dirtyPools.add(key);
    }

    /** The row of {@code id} in {@code pool}, or (row null) its tombstone. */
    public void endpoint(ResourceKey pool, EndpointId id, EndpointRow row) {
        endpoint(pool, id, row, -1, -1);
    }

    /** As {@link #endpoint(ResourceKey, EndpointId, EndpointRow)}, with the row's place in its table topic. */
    public void endpoint(ResourceKey pool, EndpointId id, EndpointRow row, int partition, long offset) {
        TreeMap<EndpointId, Endpoint> inPool = endpoints.computeIfAbsent(pool, p -> new TreeMap<>());
        if (row == null) {
            if (inPool.remove(id) != null) {
                leftPool.accept(pool, id);
            }
            if (inPool.isEmpty()) {
                endpoints.remove(pool);
            }
            if (endpoints.values().stream().noneMatch(m -> m.containsKey(id)) && loads.remove(id) != null) {
                metrics.endpointRemoved(id);
            }
        } else {
            EndpointLoad load = loads.get(id);
            if (load == null) {
                load = new EndpointLoad();
                loads.put(id, load);
                metrics.endpointAdded(id, load::ownInFlight);
            }
            Endpoint before = inPool.get(id);
            if (row.report() != null && (before == null || before.report() == null
                    || before.report().observedAtMs() != row.report().observedAtMs())) {
                load.metricsArrived();
            }
            inPool.put(id, new Endpoint(row, load, partition, offset));
        }
        dirtyPools.add(pool);
    }

    public void model(ResourceKey key, ModelRow row) {
        put(models, key, row);
    }

    public void objective(ResourceKey key, ObjectiveRow row) {
        put(objectives, key, row);
    }

    public void rewrite(ResourceKey key, RewriteRow row) {
        put(rewrites, key, row);
    }

    public void route(ResourceKey key, RouteRow row) {
        put(routes, key, row);
    }

    public boolean dirty() {
        return controlDirty || !dirtyPools.isEmpty();
    }

    /** A new snapshot with this batch's changes, or the current one when nothing changed. */
    public RoutingSnapshot build() {
        if (!dirty()) {
            return current;
        }
        Map<ResourceKey, PoolSnapshot> nextPools = new HashMap<>(current.pools());
        for (ResourceKey key : dirtyPools) {
            PoolRow row = pools.get(key);
            TreeMap<EndpointId, Endpoint> eps = endpoints.getOrDefault(key, new TreeMap<>());
            if (row == null && eps.isEmpty()) {
                nextPools.remove(key);
            } else {
                nextPools.put(key, new PoolSnapshot(key, row, poolOffsets.getOrDefault(key, -1L), new ArrayList<>(eps.values()),
                        blockSize(eps)));
            }
        }
        RoutingSnapshot next = controlDirty
                ? new RoutingSnapshot(Map.copyOf(nextPools), modelIndex(), objectiveIndex(), rewriteIndex(),
                        routeList(), current.version() + 1)
                : new RoutingSnapshot(Map.copyOf(nextPools), current.modelsByName(), current.objectivesByPool(),
                        current.rewritesByName(), current.routes(), current.version() + 1);
        dirtyPools.clear();
        controlDirty = false;
        current = next;
        return next;
    }

    private <V> void put(Map<ResourceKey, V> map, ResourceKey key, V row) {
        if (row == null) {
            map.remove(key);
        } else {
            map.put(key, row);
        }
        controlDirty = true;
    }

    private static int blockSize(Map<EndpointId, Endpoint> eps) {
        for (Endpoint e : eps.values()) {
            Integer blockSize = e.report() == null ? null : e.report().cache().blockSize();
            if (blockSize != null && blockSize > 0) {
                return blockSize;
            }
        }
        return PoolSnapshot.DEFAULT_BLOCK_SIZE;
    }

    private Map<String, List<ModelRow>> modelIndex() {
        Map<String, List<ModelRow>> byName = new HashMap<>();
        for (ModelRow m : models.values()) {
            if (m.status() == RowStatus.Accepted) {
                byName.computeIfAbsent(m.modelName(), n -> new ArrayList<>()).add(m);
            }
        }
        byName.replaceAll((name, rows) -> {
            rows.sort((a, b) -> a.pool().compareTo(b.pool()));
            return List.copyOf(rows);
        });
        return Map.copyOf(byName);
    }

    /**
     * Accepted objectives by the pool they name, then by name. A request names an objective by name in
     * its pool's namespace, so only objectives that live in their pool's namespace can be named.
     */
    private Map<ResourceKey, Map<String, ObjectiveRow>> objectiveIndex() {
        Map<ResourceKey, Map<String, ObjectiveRow>> byPool = new HashMap<>();
        objectives.forEach((key, o) -> {
            if (o.status() == RowStatus.Accepted && key.namespace().equals(o.pool().namespace())) {
                byPool.computeIfAbsent(o.pool(), p -> new HashMap<>()).put(key.name(), o);
            }
        });
        byPool.replaceAll((pool, byName) -> Map.copyOf(byName));
        return Map.copyOf(byPool);
    }

    private Map<String, List<RoutingSnapshot.RewriteMatch>> rewriteIndex() {
        Map<String, List<RoutingSnapshot.RewriteMatch>> byName = new HashMap<>();
        for (RewriteRow w : rewrites.values()) {
            if (w.status() != RowStatus.Accepted) {
                continue;
            }
            for (int i = 0; i < w.rules().size(); i++) {
                for (InferenceModelRewrite.ModelMatch m : w.rules().get(i).matches()) {
                    byName.computeIfAbsent(m.value(), n -> new ArrayList<>())
                            .add(new RoutingSnapshot.RewriteMatch(w.pool(), w, i));
                }
            }
        }
        byName.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Map.copyOf(byName);
    }

    private List<RouteRow> routeList() {
        return routes.values().stream().filter(r -> !r.rules().isEmpty()
                && (r.status() == RowStatus.Accepted || r.status() == RowStatus.UnresolvedRefs)).toList();
    }
}
