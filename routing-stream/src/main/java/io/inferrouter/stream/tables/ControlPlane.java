package io.inferrouter.stream.tables;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.stream.tables.TableChange.MembershipChange;
import io.inferrouter.stream.tables.TableChange.ModelRowChange;
import io.inferrouter.stream.tables.TableChange.ObjectiveRowChange;
import io.inferrouter.stream.tables.TableChange.PoolRowChange;
import io.inferrouter.stream.tables.TableChange.RewriteRowChange;
import io.inferrouter.stream.tables.TableChange.RouteRowChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;

/**
 * The control-plane rules over their state: every Kubernetes resource change comes in here and the
 * table rows it affects come out, each only when it differs from what was last emitted. All
 * resource topics have one partition, so one instance of this sees every resource (see DESIGN.md).
 */
public final class ControlPlane {

    private final ControlPlaneStores s;
    private final ResourceIndex index;

    public ControlPlane(ControlPlaneStores stores) {
        this.s = Objects.requireNonNull(stores);
        this.index = new ResourceIndex(stores.index());
    }

    public List<TableChange> onPool(ResourceKey key, InferencePool pool) {
        InferencePool old = s.pools().get(key);
        s.pools().put(key, pool);
        index.pool(key, old, pool);
        List<TableChange> out = new ArrayList<>();
        emit(out, s.poolRows(), key, pool == null ? null : PoolRules.row(pool), PoolRowChange::new);
        String ns = key.namespace();
        // The pods it selected before and the pods it selects now: every membership it can change.
        TreeSet<ResourceKey> pods = new TreeSet<>(index.podsSelectableBy(ns, old));
        pods.addAll(index.podsSelectableBy(ns, pool));
        pods.forEach(pod -> refreshMembership(out, pod));
        TreeSet<String> names = new TreeSet<>();
        for (ResourceKey modelKey : index.modelsOfPool(key)) {
            InferenceModel m = s.models().get(modelKey);
            if (m != null && ModelRules.poolKeyOf(m).equals(key)) {
                names.add(m.modelName());
            }
        }
        names.forEach(name -> refreshModelGroup(out, key, name));
        String sameNamespace = ResourceKey.namespacePrefix(ns);
        for (KeyValue<ResourceKey, InferenceObjective> e : s.objectives().withPrefix(sameNamespace)) {
            if (PolicyRules.poolKeyOf(e.value).equals(key)) {
                refreshObjective(out, e.key);
            }
        }
        for (KeyValue<ResourceKey, InferenceModelRewrite> e : s.rewrites().withPrefix(sameNamespace)) {
            if (key.equals(PolicyRules.poolKeyOf(e.value))) {
                refreshRewrite(out, e.key);
            }
        }
        for (KeyValue<ResourceKey, HttpRoute> e : s.routes().all()) {
            if (RouteRules.poolKeysOf(e.value).contains(key)) {
                refreshRoute(out, e.key);
            }
        }
        return out;
    }

    public List<TableChange> onPod(ResourceKey key, Pod pod) {
        Pod old = s.pods().get(key);
        s.pods().put(key, pod);
        index.pod(key, old, pod);
        return changes(out -> refreshMembership(out, key));
    }

    public List<TableChange> onModel(ResourceKey key, InferenceModel model) {
        InferenceModel old = s.models().get(key);
        s.models().put(key, model);
        index.model(key, old, model);
        List<TableChange> out = new ArrayList<>();
        if (model == null) {
            emit(out, s.modelRows(), key, null, ModelRowChange::new);
        }
        if (old != null) {
            refreshModelGroup(out, ModelRules.poolKeyOf(old), old.modelName());
        }
        if (model != null) {
            refreshModelGroup(out, ModelRules.poolKeyOf(model), model.modelName());
        }
        return out;
    }

    public List<TableChange> onObjective(ResourceKey key, InferenceObjective objective) {
        s.objectives().put(key, objective);
        return changes(out -> refreshObjective(out, key));
    }

    public List<TableChange> onRewrite(ResourceKey key, InferenceModelRewrite rewrite) {
        s.rewrites().put(key, rewrite);
        return changes(out -> refreshRewrite(out, key));
    }

    public List<TableChange> onRoute(ResourceKey key, HttpRoute route) {
        s.routes().put(key, route);
        return changes(out -> refreshRoute(out, key));
    }

    private void refreshMembership(List<TableChange> out, ResourceKey podKey) {
        Pod pod = s.pods().get(podKey);
        List<PoolRow> pools = new ArrayList<>();
        if (pod != null) {
            for (ResourceKey poolKey : new TreeSet<>(index.poolsThatMaySelect(podKey.namespace(), pod.labels()))) {
                PoolRow row = s.poolRows().get(poolKey);
                if (row != null) {
                    pools.add(row);
                }
            }
        }
        Map<EndpointId, EndpointMembership> now = MembershipRules.endpointsOf(pod, pools);
        PodEndpoints before = s.podEndpoints().get(podKey);
        Map<EndpointId, EndpointMembership> then = before == null ? Map.of() : before.endpoints();
        for (EndpointId id : then.keySet()) {
            if (!now.containsKey(id)) {
                out.add(new MembershipChange(id, null));
            }
        }
        now.forEach((id, m) -> {
            if (!m.equals(then.get(id))) {
                out.add(new MembershipChange(id, m));
            }
        });
        s.podEndpoints().put(podKey, now.isEmpty() ? null : new PodEndpoints(now));
    }

    private void refreshModelGroup(List<TableChange> out, ResourceKey poolKey, String modelName) {
        Map<ResourceKey, InferenceModel> group = new HashMap<>();
        for (ResourceKey key : index.models(poolKey, modelName)) {
            InferenceModel m = s.models().get(key);
            if (m != null && ModelRules.poolKeyOf(m).equals(poolKey) && m.modelName().equals(modelName)) {
                group.put(key, m);
            }
        }
        Map<ResourceKey, ModelRow> rows = new TreeMap<>(ModelRules.rows(group, s.poolRows().get(poolKey)));
        rows.forEach((k, row) -> emit(out, s.modelRows(), k, row, ModelRowChange::new));
    }

    private void refreshObjective(List<TableChange> out, ResourceKey key) {
        InferenceObjective o = s.objectives().get(key);
        ObjectiveRow row = o == null ? null : PolicyRules.row(o, s.poolRows().get(PolicyRules.poolKeyOf(o)));
        emit(out, s.objectiveRows(), key, row, ObjectiveRowChange::new);
    }

    private void refreshRewrite(List<TableChange> out, ResourceKey key) {
        InferenceModelRewrite w = s.rewrites().get(key);
        RewriteRow row = null;
        if (w != null) {
            ResourceKey poolKey = PolicyRules.poolKeyOf(w);
            row = PolicyRules.row(w, poolKey == null ? null : s.poolRows().get(poolKey));
        }
        emit(out, s.rewriteRows(), key, row, RewriteRowChange::new);
    }

    private void refreshRoute(List<TableChange> out, ResourceKey key) {
        HttpRoute r = s.routes().get(key);
        RouteRow row = r == null ? null : RouteRules.row(r, s.poolRows()::get);
        emit(out, s.routeRows(), key, row, RouteRowChange::new);
    }

    private static List<TableChange> changes(Consumer<List<TableChange>> refresh) {
        List<TableChange> out = new ArrayList<>();
        refresh.accept(out);
        return out;
    }

    /** Emits a row (or tombstone) only when it differs from the last one, and remembers it. */
    private static <R> void emit(List<TableChange> out, KeyedStore<ResourceKey, R> rows, ResourceKey key, R row,
                                 BiFunction<ResourceKey, R, TableChange> change) {
        R last = rows.get(key);
        if (Objects.equals(last, row)) {
            return;
        }
        rows.put(key, row);
        out.add(change.apply(key, row));
    }
}
