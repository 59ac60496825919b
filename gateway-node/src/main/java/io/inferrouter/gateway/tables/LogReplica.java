package io.inferrouter.gateway.tables;

import io.inferrouter.schemas.serde.MalformedRecordException;
import io.inferrouter.schemas.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
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
 * A gateway's local copy of some topics: one platform thread reads every partition of them from the
 * beginning, or from where {@link #seekToStart} says (no consumer group: every replica holds all of
 * it), hands each record to {@link #apply},
 * and keeps following. Ready once it has read up to the end offsets it found at start; it checks its
 * contact with Kafka, and how far behind it is, every second. What the records mean is the
 * subclass's: the routing tables ({@link TableReplica}), the KV-block index
 * ({@link io.inferrouter.gateway.kv.KvEventsReplica}) or the peers' reports
 * ({@link io.inferrouter.gateway.peers.PeerReplica}).
 */
public abstract class LogReplica implements AutoCloseable {

    private static final Duration CONTACT_CHECK = Duration.ofSeconds(1);

    /** Named after the subclass, so that its lines read as before. */
    protected final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final String bootstrapServers;
    private final List<? extends Topic<?, ?>> topics;
    private final Duration pollTimeout;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile long lastContactMs;
    private volatile long lag = -1;

    /**
     * @param name        the thread's name and the log lines' subject ({@code table-replica})
     * @param pollTimeout how long one poll waits for records before the periodic work runs
     */
    protected LogReplica(String name, String bootstrapServers, List<? extends Topic<?, ?>> topics,
                         Duration pollTimeout) {
        this.name = name;
        this.bootstrapServers = bootstrapServers;
        this.topics = List.copyOf(topics);
        this.pollTimeout = pollTimeout;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    }

    /** Starts reading; once only. */
    protected final void startReading() {
        thread.start();
    }

    /** One record, on the replica's thread. Must not throw for bad input: count and skip it. */
    protected abstract void apply(ConsumerRecord<String, byte[]> record);

    /**
     * Where reading starts, once, before the end offsets to catch up with are taken: the beginning of
     * every partition unless a subclass reads less (the recent past of a busy topic).
     */
    protected void seekToStart(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        consumer.seekToBeginning(partitions);
    }

    /**
     * The record's value read with {@code topic}'s serde; null, after {@link #skip}, when it has none
     * or cannot be read.
     */
    protected final <V> V read(ConsumerRecord<String, byte[]> r, Topic<String, V> topic, Runnable countSkipped) {
        if (r.value() == null) {
            skip(r, "no value", countSkipped);
            return null;
        }
        try {
            return topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (MalformedRecordException | IllegalArgumentException e) {
            skip(r, e.getMessage(), countSkipped);
            return null;
        }
    }

    /** A record this replica cannot use: counted, logged with where it is and why, and left behind. */
    protected final void skip(ConsumerRecord<String, byte[]> r, String reason, Runnable countSkipped) {
        countSkipped.run();
        log.warn("skipping unreadable record topic={} partition={} offset={} key={} reason={}", r.topic(),
                r.partition(), r.offset(), r.key(), reason);
    }

    /** After each poll's records were applied, on the replica's thread. */
    protected void applied() {
    }

    /** Once, when the end offsets found at start are reached: what to log about the state. */
    protected abstract String caughtUpSummary();

    /** True once every record up to the end offsets found at start has been applied. */
    public final boolean ready() {
        return caughtUp.getCount() == 0;
    }

    public final boolean awaitReady(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** False once the replica thread has stopped. */
    public final boolean alive() {
        return thread.isAlive();
    }

    /** Time of the last successful exchange with Kafka (0 before the first). */
    public final long lastContactMs() {
        return lastContactMs;
    }

    /** Records not yet read, as of the last check; -1 when unknown. */
    public final long lag() {
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
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
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
            seekToStart(c, partitions);
            Map<TopicPartition, Long> startEnd = c.endOffsets(partitions);
            lastContactMs = System.currentTimeMillis();
            long started = System.nanoTime();
            long toCatchUp = 0;
            for (TopicPartition tp : partitions) {
                toCatchUp += Math.max(0, startEnd.get(tp) - c.position(tp));
            }
            log.info("{} reading partitions={} recordsToCatchUp={}", name, partitions.size(), toCatchUp);
            long nextContactCheck = 0;
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(pollTimeout)) {
                    apply(r);
                }
                applied();
                if (caughtUp.getCount() > 0 && reached(c, startEnd)) {
                    caughtUp.countDown();
                    log.info("{} caught up {} ms={}", name, caughtUpSummary(),
                            (System.nanoTime() - started) / 1_000_000);
                }
                long now = System.currentTimeMillis();
                if (now >= nextContactCheck) {
                    nextContactCheck = now + CONTACT_CHECK.toMillis();
                    checkContact(c, partitions);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("{} woken up unexpectedly", name, e);
            }
        } catch (RuntimeException e) {
            log.error("{} stopped error={}", name, e.toString(), e);
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> c) {
        while (running) {
            try {
                List<TopicPartition> all = new ArrayList<>();
                boolean complete = true;
                for (Topic<?, ?> topic : topics) {
                    List<PartitionInfo> infos = c.partitionsFor(topic.name(), Duration.ofSeconds(5));
                    if (infos == null || infos.isEmpty()) {
                        complete = false;
                        log.info("{} waiting for topic to exist topic={}", name, topic.name());
                        break;
                    }
                    infos.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
                }
                if (complete) {
                    return all;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.warn("{} cannot reach Kafka bootstrap={} error={}", name, bootstrapServers, e.getMessage());
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
            log.warn("{} cannot reach Kafka bootstrap={} error={}", name, bootstrapServers, e.getMessage());
        }
    }
}
