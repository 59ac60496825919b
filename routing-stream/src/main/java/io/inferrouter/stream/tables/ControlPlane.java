package io.inferrouter.stream.tables;

import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The control-plane rules over their state: every Kubernetes resource change comes in here and the
 * table rows it affects come out, each only when it differs from what was last emitted. All
 * resource topics have one partition, so one instance of this sees every resource (see README).
 */
public final class ControlPlane {

    private static final StringSerializer KEYS = new StringSerializer();

    private final ControlPlaneStores s;
    private final ResourceIndex index;

    public ControlPlane(ControlPlaneStores stores) {
        this.s = Objects.requireNonNull(stores);
        this.index = new ResourceIndex(stores.index());
    }

    public List<TableChange> onPool(String key, InferencePool pool) {
        InferencePool old = s.pools().get(key);
        replace(s.pools(), key, pool);
        index.pool(key, old, pool);
        List<TableChange> out = new ArrayList<>();
        emit(out, TableChange.Table.POOLS, s.poolRows(), key, pool == null ? null : PoolRules.row(pool));
        String ns = Keys.namespaceOf(key);
        // The pods it selected before and the pods it selects now: every membership it can change.
        TreeSet<String> pods = new TreeSet<>(index.podsSelectableBy(ns, old));
        pods.addAll(index.podsSelectableBy(ns, pool));
        pods.forEach(pod -> refreshMembership(out, pod));
        TreeSet<String> names = new TreeSet<>();
        for (String modelKey : index.modelsOfPool(key)) {
            InferenceModel m = s.models().get(modelKey);
            if (m != null && ModelRules.poolKeyOf(m).equals(key)) {
                names.add(m.modelName());
            }
        }
        names.forEach(name -> refreshModelGroup(out, key, name));
        forEachInNamespace(s.objectives(), ns, e -> {
            if (PolicyRules.poolKeyOf(e.value).equals(key)) {
                refreshObjective(out, e.key);
            }
        });
        forEachInNamespace(s.rewrites(), ns, e -> {
            if (key.equals(PolicyRules.poolKeyOf(e.value))) {
                refreshRewrite(out, e.key);
            }
        });
        List<String> routes = new ArrayList<>();
        try (KeyValueIterator<String, HttpRoute> it = s.routes().all()) {
            it.forEachRemaining(e -> {
                if (RouteRules.poolKeysOf(e.value).contains(key)) {
                    routes.add(e.key);
                }
            });
        }
        routes.forEach(r -> refreshRoute(out, r));
        return out;
    }

    public List<TableChange> onPod(String key, Pod pod) {
        Pod old = s.pods().get(key);
        replace(s.pods(), key, pod);
        index.pod(key, old, pod);
        List<TableChange> out = new ArrayList<>();
        refreshMembership(out, key);
        return out;
    }

    public List<TableChange> onModel(String key, InferenceModel model) {
        InferenceModel old = s.models().get(key);
        replace(s.models(), key, model);
        index.model(key, old, model);
        List<TableChange> out = new ArrayList<>();
        if (model == null) {
            emit(out, TableChange.Table.MODELS, s.modelRows(), key, null);
        }
        if (old != null) {
            refreshModelGroup(out, ModelRules.poolKeyOf(old), old.modelName());
        }
        if (model != null) {
            refreshModelGroup(out, ModelRules.poolKeyOf(model), model.modelName());
        }
        return out;
    }

    public List<TableChange> onObjective(String key, InferenceObjective objective) {
        replace(s.objectives(), key, objective);
        List<TableChange> out = new ArrayList<>();
        refreshObjective(out, key);
        return out;
    }

    public List<TableChange> onRewrite(String key, InferenceModelRewrite rewrite) {
        replace(s.rewrites(), key, rewrite);
        List<TableChange> out = new ArrayList<>();
        refreshRewrite(out, key);
        return out;
    }

    public List<TableChange> onRoute(String key, HttpRoute route) {
        replace(s.routes(), key, route);
        List<TableChange> out = new ArrayList<>();
        refreshRoute(out, key);
        return out;
    }

    private void refreshMembership(List<TableChange> out, String podKey) {
        Pod pod = s.pods().get(podKey);
        List<PoolRow> pools = new ArrayList<>();
        if (pod != null) {
            for (String poolKey : new TreeSet<>(index.poolsThatMaySelect(Keys.namespaceOf(podKey), pod.labels()))) {
                PoolRow row = s.poolRows().get(poolKey);
                if (row != null) {
                    pools.add(row);
                }
            }
        }
        Map<String, EndpointMembership> now = MembershipRules.endpointsOf(pod, pools);
        PodEndpoints before = s.podEndpoints().get(podKey);
        Map<String, EndpointMembership> then = before == null ? Map.of() : before.endpoints();
        for (String id : then.keySet()) {
            if (!now.containsKey(id)) {
                out.add(TableChange.tombstone(TableChange.Table.MEMBERSHIP, id));
            }
        }
        now.forEach((id, m) -> {
            if (!m.equals(then.get(id))) {
                out.add(TableChange.upsert(TableChange.Table.MEMBERSHIP, id, m));
            }
        });
        replace(s.podEndpoints(), podKey, now.isEmpty() ? null : new PodEndpoints(now));
    }

    private void refreshModelGroup(List<TableChange> out, String poolKey, String modelName) {
        Map<String, InferenceModel> group = new HashMap<>();
        for (String key : index.models(poolKey, modelName)) {
            InferenceModel m = s.models().get(key);
            if (m != null && ModelRules.poolKeyOf(m).equals(poolKey) && m.modelName().equals(modelName)) {
                group.put(key, m);
            }
        }
        Map<String, ModelRow> rows = new TreeMap<>(ModelRules.rows(group, s.poolRows().get(poolKey)));
        rows.forEach((k, row) -> emit(out, TableChange.Table.MODELS, s.modelRows(), k, row));
    }

    private void refreshObjective(List<TableChange> out, String key) {
        InferenceObjective o = s.objectives().get(key);
        ObjectiveRow row = o == null ? null : PolicyRules.row(o, s.poolRows().get(PolicyRules.poolKeyOf(o)));
        emit(out, TableChange.Table.OBJECTIVES, s.objectiveRows(), key, row);
    }

    private void refreshRewrite(List<TableChange> out, String key) {
        InferenceModelRewrite w = s.rewrites().get(key);
        RewriteRow row = null;
        if (w != null) {
            String poolKey = PolicyRules.poolKeyOf(w);
            row = PolicyRules.row(w, poolKey == null ? null : s.poolRows().get(poolKey));
        }
        emit(out, TableChange.Table.REWRITES, s.rewriteRows(), key, row);
    }

    private void refreshRoute(List<TableChange> out, String key) {
        HttpRoute r = s.routes().get(key);
        RouteRow row = r == null ? null : RouteRules.row(r, s.poolRows()::get);
        emit(out, TableChange.Table.ROUTES, s.routeRows(), key, row);
    }

    /** Emits a row (or tombstone) only when it differs from the last one, and remembers it. */
    private static <R> void emit(List<TableChange> out, TableChange.Table table, KeyValueStore<String, R> rows,
                                 String key, R row) {
        R last = rows.get(key);
        if (Objects.equals(last, row)) {
            return;
        }
        replace(rows, key, row);
        out.add(new TableChange(table, key, row));
    }

    private static <V> void replace(KeyValueStore<String, V> store, String key, V value) {
        if (value == null) {
            store.delete(key);
        } else {
            store.put(key, value);
        }
    }

    private static <V> void forEachInNamespace(KeyValueStore<String, V> store, String namespace,
                                               Consumer<KeyValue<String, V>> action) {
        List<KeyValue<String, V>> copy = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.prefixScan(Keys.namespacePrefix(namespace), KEYS)) {
            it.forEachRemaining(copy::add);
        }
        // Act on a copy: the action may write to the store being scanned.
        copy.forEach(action);
    }
}
