package io.inferrouter.gateway.tables;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.MalformedRecordException;
import io.inferrouter.schemas.tables.TableKeys;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's local replica of the routing-table topics. One thread reads every partition of every
 * table topic from the beginning (no consumer group: every gateway holds all of it), applies each
 * batch to a {@link SnapshotBuilder}, and swaps the new immutable snapshot into an
 * {@link AtomicReference} that requests read without locks. Ready once it has caught up with the
 * end offsets it found at start. Unreadable records are counted and skipped.
 */
public final class TableReplica implements Tables, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TableReplica.class);
    private static final Duration CONTACT_CHECK = Duration.ofSeconds(1);

    private final String bootstrapServers;
    private final GatewayMetrics metrics;
    private final AtomicReference<RoutingSnapshot> snapshot = new AtomicReference<>(RoutingSnapshot.EMPTY);
    private final SnapshotBuilder builder;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile long lastContactMs;
    private volatile long lastUpdateMs;
    private volatile long lag = -1;

    public TableReplica(String bootstrapServers, GatewayMetrics metrics) {
        this(bootstrapServers, metrics, (pool, endpoint) -> { });
    }

    /** @param leftPool told (pool, endpoint), on the replica's thread, when an endpoint leaves a pool */
    public TableReplica(String bootstrapServers, GatewayMetrics metrics,
                        BiConsumer<ResourceKey, EndpointId> leftPool) {
        this.bootstrapServers = bootstrapServers;
        this.metrics = metrics;
        this.builder = new SnapshotBuilder(metrics, leftPool);
        this.thread = Thread.ofPlatform().name("table-replica").daemon().unstarted(this::run);
    }

    public TableReplica start() {
        thread.start();
        return this;
    }

    /** The current snapshot; never null, empty until the first tables arrive. */
    @Override
    public RoutingSnapshot current() {
        return snapshot.get();
    }

    /** True once the replica has read every table to the end offsets it found when it started. */
    @Override
    public boolean ready() {
        return caughtUp.getCount() == 0;
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** False once the replica thread has stopped. */
    public boolean alive() {
        return thread.isAlive();
    }

    /** Time of the last successful exchange with Kafka (0 before the first). */
    @Override
    public long lastContactMs() {
        return lastContactMs;
    }

    /** Time the last table update was applied (0 before the first). */
    public long lastUpdateMs() {
        return lastUpdateMs;
    }

    /** Records not yet read, as of the last check; -1 when unknown. */
    public long lag() {
        return lag;
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-tables-" + UUID.randomUUID().toString().substring(0, 8));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The broker answers a waiting fetch as soon as a record arrives (fetch.min.bytes is 1), so the
        // wait costs no freshness; a short one (it was 5 ms) only adds empty fetches: 6-7% of the
        // gateway's CPU under load in the issue-13 profile.
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = awaitPartitions(c);
            if (partitions.isEmpty()) {
                return;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> startEnd = c.endOffsets(partitions);
            lastContactMs = System.currentTimeMillis();
            LOG.info("table replica reading partitions={} recordsToCatchUp={}", partitions.size(),
                    startEnd.values().stream().mapToLong(Long::longValue).sum());
            long nextContactCheck = 0;
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(50));
                for (ConsumerRecord<String, byte[]> r : records) {
                    apply(r);
                }
                if (builder.dirty()) {
                    snapshot.set(builder.build());
                    lastUpdateMs = System.currentTimeMillis();
                }
                if (caughtUp.getCount() > 0 && reached(c, startEnd)) {
                    caughtUp.countDown();
                    RoutingSnapshot s = snapshot.get();
                    LOG.info("table replica caught up pools={} endpoints={} models={}", s.pools().size(),
                            s.endpointCount(), s.modelsByName().size());
                }
                long now = System.currentTimeMillis();
                if (now >= nextContactCheck) {
                    nextContactCheck = now + CONTACT_CHECK.toMillis();
                    checkContact(c, partitions);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("table replica woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("table replica stopped error={}", e.toString(), e);
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> c) {
        while (running) {
            try {
                List<TopicPartition> all = new ArrayList<>();
                boolean complete = true;
                for (Topic<?, ?> topic : Topics.tables()) {
                    List<PartitionInfo> infos = c.partitionsFor(topic.name(), Duration.ofSeconds(5));
                    if (infos == null || infos.isEmpty()) {
                        complete = false;
                        LOG.info("waiting for table topic to exist topic={}", topic.name());
                        break;
                    }
                    infos.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
                }
                if (complete) {
                    return all;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("cannot reach Kafka for table topics bootstrap={} error={}", bootstrapServers, e.getMessage());
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    private static boolean reached(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void checkContact(KafkaConsumer<String, byte[]> c, List<TopicPartition> partitions) {
        try {
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofMillis(500));
            long behind = 0;
            for (TopicPartition tp : partitions) {
                behind += Math.max(0, end.get(tp) - c.position(tp));
            }
            lag = behind;
            lastContactMs = System.currentTimeMillis();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.warn("table replica cannot reach Kafka bootstrap={} error={}", bootstrapServers, e.getMessage());
        }
    }

    /** Parses the record's key once, here, into the typed key the snapshot builder files the row under. */
    private void apply(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key == null) {
            metrics.tableRecordSkipped(r.topic());
            return;
        }
        try {
            String topic = r.topic();
            if (topic.equals(Topics.TABLE_ENDPOINTS.name())) {
                builder.endpoint(TableKeys.pool(key), TableKeys.endpoint(key), decode(Topics.TABLE_ENDPOINTS, r));
            } else if (topic.equals(Topics.TABLE_POOLS.name())) {
                builder.pool(ResourceKey.parse(key), decode(Topics.TABLE_POOLS, r));
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
            LOG.warn("skipping unreadable table record topic={} partition={} offset={} reason={}", r.topic(),
                    r.partition(), r.offset(), e.getMessage());
        }
    }

    private static <V> V decode(Topic<String, V> topic, ConsumerRecord<String, byte[]> r) {
        return r.value() == null ? null : topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
    }
}
