package io.inferrouter.gateway.kv;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.serde.MalformedRecordException;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the {@link KvBlockIndex} from {@code kv.events}. One thread reads every partition from the
 * beginning of the topic's retention (no consumer group: every replica holds the whole index), which
 * is bounded work: state-ingestor writes a snapshot of every endpoint every few minutes, so the log
 * since the oldest retained record holds each endpoint's latest snapshot and the events after it.
 * Ready once it has applied everything up to the end offsets it found at start; then it keeps
 * following the topic. Unreadable records are counted, logged and skipped.
 */
public final class KvEventsReplica implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KvEventsReplica.class);

    private final String bootstrapServers;
    private final KvBlockIndex index;
    private final GatewayMetrics metrics;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile long lastAppliedMs;

    public KvEventsReplica(String bootstrapServers, KvBlockIndex index, GatewayMetrics metrics) {
        this.bootstrapServers = bootstrapServers;
        this.index = index;
        this.metrics = metrics;
        this.thread = Thread.ofPlatform().name("kv-events-replica").daemon().unstarted(this::run);
    }

    public KvEventsReplica start() {
        thread.start();
        return this;
    }

    public KvBlockIndex index() {
        return index;
    }

    /** True once every record up to the end offsets found at start has been applied. */
    public boolean ready() {
        return caughtUp.getCount() == 0;
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Time the last record was applied (0 before the first). */
    public long lastAppliedMs() {
        return lastAppliedMs;
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
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-kv-events-" + UUID.randomUUID().toString().substring(0, 8));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        // A waiting fetch is answered as soon as a record arrives; the wait only spares empty fetches.
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
            long started = System.nanoTime();
            LOG.info("kv-events replica reading partitions={} recordsToCatchUp={}", partitions.size(),
                    startEnd.values().stream().mapToLong(Long::longValue).sum());
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    apply(r);
                }
                if (caughtUp.getCount() > 0 && reached(c, startEnd)) {
                    caughtUp.countDown();
                    LOG.info("kv-events replica caught up endpoints={} blocks={} records={} ms={}",
                            index.endpointCount(), index.blockCount(), index.recordsApplied(),
                            (System.nanoTime() - started) / 1_000_000);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("kv-events replica woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("kv-events replica stopped error={}", e.toString(), e);
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> c) {
        String topic = Topics.KV_EVENTS.name();
        while (running) {
            try {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                LOG.info("waiting for topic to exist topic={}", topic);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("cannot reach Kafka for the kv-events topic bootstrap={} error={}", bootstrapServers,
                        e.getMessage());
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

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            skip(r, "no value");
            return;
        }
        KvEventsRecord record;
        try {
            record = Topics.KV_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (MalformedRecordException | IllegalArgumentException e) {
            skip(r, e.getMessage());
            return;
        }
        try {
            index.apply(record);
        } catch (RuntimeException e) {
            // A record the schema accepts but the index cannot fold (a bug, not bad input): never stop the thread.
            skip(r, e.toString());
            return;
        }
        lastAppliedMs = System.currentTimeMillis();
    }

    private void skip(ConsumerRecord<String, byte[]> r, String reason) {
        metrics.kvEventsRecordSkipped();
        LOG.warn("skipping unreadable kv-events record partition={} offset={} key={} reason={}", r.partition(),
                r.offset(), r.key(), reason);
    }
}
