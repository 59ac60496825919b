package io.inferrouter.stream.query;

import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.stream.tables.EndpointMembership;
import io.inferrouter.stream.tables.EndpointTable;
import io.inferrouter.stream.topology.StoreNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the state stores this instance holds. */
public final class LocalTables {

    private final KafkaStreams streams;

    public LocalTables(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Every row of a row store, sorted by key. */
    public <V> List<V> all(String store) {
        List<V> out = new ArrayList<>();
        try (KeyValueIterator<String, V> it = this.<V>store(store).all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    public <V> V get(String store, ResourceKey key) {
        return this.<V>store(store).get(key.toString());
    }

    /** The endpoint rows of one pool that this instance's partitions hold. */
    public List<EndpointRow> endpointsOf(ResourceKey pool) {
        ReadOnlyKeyValueStore<String, EndpointMembership> memberships = store(StoreNames.ENDPOINT_MEMBERSHIPS);
        ReadOnlyKeyValueStore<String, EndpointMetrics> metrics = store(StoreNames.ENDPOINT_METRICS);
        List<EndpointRow> rows = new ArrayList<>();
        try (KeyValueIterator<String, EndpointMembership> it = memberships.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value.pools().contains(pool)) {
                    rows.add(EndpointTable.row(pool, kv.value, metrics.get(kv.key)));
                }
            });
        }
        rows.sort(Comparator.comparing(EndpointRow::endpoint));
        return rows;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new QueryUnavailableException("store " + name + " is not queryable now (" + streams.state()
                    + "); retry shortly", e);
        }
    }
}
