package io.inferrouter.stream.tables;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A state store seen through typed keys. The store, its changelog and the interactive queries keep
 * the key's string form, as on the topics; keys read back are parsed, which cannot fail since only
 * typed keys are written.
 */
public final class KeyedStore<K, V> {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, V> store;
    private final Function<String, K> parse;

    private KeyedStore(KeyValueStore<String, V> store, Function<String, K> parse) {
        this.store = Objects.requireNonNull(store);
        this.parse = parse;
    }

    /** A store keyed {@code namespace/name}. */
    public static <V> KeyedStore<ResourceKey, V> byResource(KeyValueStore<String, V> store) {
        return new KeyedStore<>(store, ResourceKey::parse);
    }

    /** A store keyed {@code namespace/pod:port}. */
    public static <V> KeyedStore<EndpointId, V> byEndpoint(KeyValueStore<String, V> store) {
        return new KeyedStore<>(store, EndpointId::parse);
    }

    public V get(K key) {
        return store.get(key.toString());
    }

    /** Stores {@code value} under {@code key}, or deletes the key when {@code value} is null. */
    public void put(K key, V value) {
        if (value == null) {
            store.delete(key.toString());
        } else {
            store.put(key.toString(), value);
        }
    }

    /**
     * The entries whose key's string form starts with {@code prefix}, in store order; a copy, so the
     * caller may write to the store while going through them.
     */
    public List<KeyValue<K, V>> withPrefix(String prefix) {
        try (KeyValueIterator<String, V> it = store.prefixScan(prefix, KEYS)) {
            return copy(it);
        }
    }

    /** Every entry, in store order; a copy, like {@link #withPrefix}. */
    public List<KeyValue<K, V>> all() {
        try (KeyValueIterator<String, V> it = store.all()) {
            return copy(it);
        }
    }

    private List<KeyValue<K, V>> copy(KeyValueIterator<String, V> it) {
        List<KeyValue<K, V>> out = new ArrayList<>();
        it.forEachRemaining(e -> out.add(KeyValue.pair(parse.apply(e.key), e.value)));
        return out;
    }
}
