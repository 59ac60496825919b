package io.inferrouter.stream.tables;

import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Secondary index of the control-plane state, in one sorted store, so that a change finds the
 * resources it affects by a prefix scan instead of reading (and deserializing) every resource of its
 * namespace. Without it, loading N models into one namespace costs O(N^2) reads.
 *
 * <p>Entries map an index key to the key of the resource it points at ({@code namespace/name}):
 * <ul>
 *   <li>{@code m NUL pool NUL modelName NUL modelKey}: the InferenceModels that claim a name in a pool;</li>
 *   <li>{@code p NUL namespace NUL label=value NUL podKey}: pods by each of their labels;</li>
 *   <li>{@code s NUL namespace NUL label=value NUL poolKey}: pools by the first (smallest) entry of their
 *       selector, which every pod the pool selects must carry.</li>
 * </ul>
 * A scan only gives candidates: callers read the resources and check them (a model name may itself
 * contain the separator).
 */
public final class ResourceIndex {

    private static final char SEP = '\u0000';
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, String> store;

    public ResourceIndex(KeyValueStore<String, String> store) {
        this.store = Objects.requireNonNull(store);
    }

    /** Moves a model's entry from what it claimed before to what it claims now (either may be null). */
    public void model(ResourceKey key, InferenceModel before, InferenceModel after) {
        if (before != null) {
            store.delete(modelEntry(ModelRules.poolKeyOf(before), before.modelName(), key));
        }
        if (after != null) {
            store.put(modelEntry(ModelRules.poolKeyOf(after), after.modelName(), key), key.toString());
        }
    }

    /** Keys of the models that may claim {@code modelName} in the pool. */
    public List<ResourceKey> models(ResourceKey pool, String modelName) {
        return scan("m" + SEP + pool + SEP + modelName + SEP);
    }

    /** Keys of the models that refer to the pool, whatever their name. */
    public List<ResourceKey> modelsOfPool(ResourceKey pool) {
        return scan("m" + SEP + pool + SEP);
    }

    public void pod(ResourceKey key, Pod before, Pod after) {
        String ns = key.namespace();
        if (before != null) {
            before.labels().forEach((k, v) -> store.delete(labelEntry("p", ns, k, v) + key));
        }
        if (after != null) {
            after.labels().forEach((k, v) -> store.put(labelEntry("p", ns, k, v) + key, key.toString()));
        }
    }

    public void pool(ResourceKey key, InferencePool before, InferencePool after) {
        String ns = key.namespace();
        Map.Entry<String, String> old = before == null ? null : firstSelectorEntry(before);
        if (old != null) {
            store.delete(labelEntry("s", ns, old.getKey(), old.getValue()) + key);
        }
        Map.Entry<String, String> now = after == null ? null : firstSelectorEntry(after);
        if (now != null) {
            store.put(labelEntry("s", ns, now.getKey(), now.getValue()) + key, key.toString());
        }
    }

    /** Keys of the pods that may match the pool's selector (all pods that do, and maybe others). */
    public List<ResourceKey> podsSelectableBy(String namespace, InferencePool pool) {
        Map.Entry<String, String> first = pool == null ? null : firstSelectorEntry(pool);
        // An empty selector selects nothing (PoolRules.selects).
        return first == null ? List.of() : scan(labelEntry("p", namespace, first.getKey(), first.getValue()));
    }

    /** Keys of the pools whose selector may match a pod with these labels. */
    public List<ResourceKey> poolsThatMaySelect(String namespace, Map<String, String> labels) {
        List<ResourceKey> keys = new ArrayList<>();
        labels.forEach((k, v) -> keys.addAll(scan(labelEntry("s", namespace, k, v))));
        return keys;
    }

    private static Map.Entry<String, String> firstSelectorEntry(InferencePool pool) {
        return pool.selector().isEmpty() ? null : new TreeMap<>(pool.selector()).firstEntry();
    }

    private static String modelEntry(ResourceKey pool, String modelName, ResourceKey model) {
        return "m" + SEP + pool + SEP + modelName + SEP + model;
    }

    private static String labelEntry(String kind, String namespace, String label, String value) {
        return kind + SEP + namespace + SEP + label + "=" + value + SEP;
    }

    private List<ResourceKey> scan(String prefix) {
        List<ResourceKey> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(e -> keys.add(ResourceKey.parse(e.value)));
        }
        return keys;
    }
}
