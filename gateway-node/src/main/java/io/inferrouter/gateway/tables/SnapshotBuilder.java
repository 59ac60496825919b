package io.inferrouter.gateway.tables;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.schemas.tables.RowStatus;
import io.inferrouter.schemas.tables.TableKeys;
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

    private final Map<String, PoolRow> pools = new HashMap<>();
    private final Map<String, TreeMap<String, Endpoint>> endpoints = new HashMap<>();
    private final Map<String, EndpointLoad> loads = new HashMap<>();
    private final Map<String, ModelRow> models = new TreeMap<>();
    private final Map<String, ObjectiveRow> objectives = new TreeMap<>();
    private final Map<String, RewriteRow> rewrites = new TreeMap<>();
    private final Map<String, RouteRow> routes = new TreeMap<>();
    private final Set<String> dirtyPools = new HashSet<>();
    private boolean controlDirty;
    private RoutingSnapshot current = RoutingSnapshot.EMPTY;
    private final GatewayMetrics metrics;
    private final BiConsumer<String, String> leftPool;

    public SnapshotBuilder(GatewayMetrics metrics) {
        this(metrics, (pool, endpoint) -> { });
    }

    /** @param leftPool told (pool key, endpoint id) when an endpoint's row leaves a pool */
    public SnapshotBuilder(GatewayMetrics metrics, BiConsumer<String, String> leftPool) {
        this.metrics = metrics;
        this.leftPool = leftPool;
    }

    public void pool(String key, PoolRow row) {
        if (row == null) {
            pools.remove(key);
        } else {
            pools.put(key, row);
        }
        dirtyPools.add(key);
    }

    public void endpoint(String key, EndpointRow row) {
        String pool = TableKeys.pool(key);
        String id = key.substring(pool.length() + 1);
        TreeMap<String, Endpoint> inPool = endpoints.computeIfAbsent(pool, p -> new TreeMap<>());
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
                metrics.endpointAdded(id, load::inFlight);
            }
            Endpoint before = inPool.get(id);
            if (row.metrics() != null && (before == null || before.metrics() == null
                    || before.metrics().observedAtMs() != row.metrics().observedAtMs())) {
                load.metricsArrived();
            }
            inPool.put(id, new Endpoint(row, load));
        }
        dirtyPools.add(pool);
    }

    public void model(String key, ModelRow row) {
        put(models, key, row);
    }

    public void objective(String key, ObjectiveRow row) {
        put(objectives, key, row);
    }

    public void rewrite(String key, RewriteRow row) {
        put(rewrites, key, row);
    }

    public void route(String key, RouteRow row) {
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
        Map<String, PoolSnapshot> nextPools = new HashMap<>(current.pools());
        for (String key : dirtyPools) {
            PoolRow row = pools.get(key);
            TreeMap<String, Endpoint> eps = endpoints.getOrDefault(key, new TreeMap<>());
            if (row == null && eps.isEmpty()) {
                nextPools.remove(key);
            } else {
                nextPools.put(key, new PoolSnapshot(key, row, new ArrayList<>(eps.values()), blockSize(eps)));
            }
        }
        RoutingSnapshot next = controlDirty
                ? new RoutingSnapshot(Map.copyOf(nextPools), modelIndex(), acceptedObjectives(), rewriteIndex(),
                        routeList(), current.version() + 1)
                : new RoutingSnapshot(Map.copyOf(nextPools), current.modelsByName(), current.objectives(),
                        current.rewritesByName(), current.routes(), current.version() + 1);
        dirtyPools.clear();
        controlDirty = false;
        current = next;
        return next;
    }

    private <V> void put(Map<String, V> map, String key, V row) {
        if (row == null) {
            map.remove(key);
        } else {
            map.put(key, row);
        }
        controlDirty = true;
    }

    private static int blockSize(Map<String, Endpoint> eps) {
        for (Endpoint e : eps.values()) {
            if (e.metrics() != null && e.metrics().blockSize() != null && e.metrics().blockSize() > 0) {
                return e.metrics().blockSize();
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

    private Map<String, ObjectiveRow> acceptedObjectives() {
        Map<String, ObjectiveRow> out = new HashMap<>();
        objectives.forEach((k, v) -> {
            if (v.status() == RowStatus.Accepted) {
                out.put(k, v);
            }
        });
        return Map.copyOf(out);
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
