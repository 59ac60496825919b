package io.inferrouter.gateway.tables;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.MalformedRecordException;
import io.inferrouter.schemas.tables.TableKeys;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The gateway's local replica of the routing-table topics ({@link LogReplica}: every partition from the
 * beginning, no consumer group). Each poll's records go to a {@link SnapshotBuilder}, and the new
 * immutable snapshot is swapped into an {@link AtomicReference} that requests read without locks.
 * Unreadable records are counted and skipped.
 */
public final class TableReplica extends LogReplica implements Tables {

    private final GatewayMetrics metrics;
    private final AtomicReference<RoutingSnapshot> snapshot = new AtomicReference<>(RoutingSnapshot.EMPTY);
    private final SnapshotBuilder builder;
    private volatile long lastUpdateMs;

    public TableReplica(String bootstrapServers, GatewayMetrics metrics) {
        this(bootstrapServers, metrics, (pool, endpoint) -> { });
    }

    /** @param leftPool told (pool, endpoint), on the replica's thread, when an endpoint leaves a pool */
    public TableReplica(String bootstrapServers, GatewayMetrics metrics,
                        BiConsumer<ResourceKey, EndpointId> leftPool) {
        super("table-replica", bootstrapServers, Topics.tables(), Duration.ofMillis(50));
        this.metrics = metrics;
        this.builder = new SnapshotBuilder(metrics, leftPool);
    }

    public TableReplica start() {
        startReading();
        return this;
    }

    /** The current snapshot; never null, empty until the first tables arrive. */
    @Override
    public RoutingSnapshot current() {
        return snapshot.get();
    }

    /** Time the last table update was applied (0 before the first). */
    public long lastUpdateMs() {
        return lastUpdateMs;
    }

    @Override
    protected void applied() {
        if (builder.dirty()) {
            snapshot.set(builder.build());
            lastUpdateMs = System.currentTimeMillis();
        }
    }

    @Override
    protected String caughtUpSummary() {
        RoutingSnapshot s = snapshot.get();
        return "pools=" + s.pools().size() + " endpoints=" + s.endpointCount() + " models=" + s.modelsByName().size();
    }

    /** Parses the record's key once, here, into the typed key the snapshot builder files the row under. */
    @Override
    protected void apply(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key == null) {
            metrics.tableRecordSkipped(r.topic());
            return;
        }
        try {
            String topic = r.topic();
            if (topic.equals(Topics.TABLE_ENDPOINTS.name())) {
                builder.endpoint(TableKeys.pool(key), TableKeys.endpoint(key), decode(Topics.TABLE_ENDPOINTS, r),
                        r.partition(), r.offset());
            } else if (topic.equals(Topics.TABLE_POOLS.name())) {
                builder.pool(ResourceKey.parse(key), decode(Topics.TABLE_POOLS, r), r.offset());
            } else if (topic.equals(Topics.TABLE_MODELS.name())) {
                builder.model(ResourceKey.parse(key), decode(Topics.TABLE_MODELS, r));
            } else if (topic.equals(Topics.TABLE_OBJECTIVES.name())) {
                builder.objective(ResourceKey.parse(key), decode(Topics.TABLE_OBJECTIVES, r));
            } else if (topic.equals(Topics.TABLE_REWRITES.name())) {
                builder.rewrite(ResourceKey.parse(key), decode(Topics.TABLE_REWRITES, r));
            } else if (topic.equals(Topics.TABLE_ROUTES.name())) {
                builder.route(ResourceKey.parse(key), decode(Topics.TABLE_ROUTES, r));
            }
        } catch (MalformedRecordException | IllegalArgumentException e) {
            metrics.tableRecordSkipped(r.topic());
            log.warn("skipping unreadable table record topic={} partition={} offset={} reason={}", r.topic(),
                    r.partition(), r.offset(), e.getMessage());
        }
    }

    private static <V> V decode(Topic<String, V> topic, ConsumerRecord<String, byte[]> r) {
        return r.value() == null ? null : topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
    }
}
