package io.inferrouter.ingestor.publish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.ingestor.metrics.IngestorMetrics;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to their topics with an idempotent producer ({@code acks=all}, the producer retries
 * until its delivery timeout). Keys are typed here and become the topic's string key only in the record
 * sent. Nothing is dropped silently:
 *
 * <ul>
 *   <li>Resource records (and tombstones) that still fail are sent again, with a back-off, for as long
 *       as they are the latest state of their key; a newer state of the key replaces the retry. Only a
 *       non-retriable error (a record the broker refuses) gives up, counted and logged at ERROR.</li>
 *   <li>Metrics snapshots, KV-event records and dead letters are not retried (the next scrape, or the
 *       endpoint's next KV snapshot, supersedes them); failures are counted, and logged at most once per
 *       topic every {@link #LOG_EVERY}.</li>
 * </ul>
 *
 * Resource records identical to the last one sent for the key (ignoring when they were observed) are
 * not sent again, so informer resyncs and file re-reads cause no churn downstream.
 */
public final class Publisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    static final Duration LOG_EVERY = Duration.ofSeconds(10);
    static final Duration FIRST_RETRY = Duration.ofMillis(500);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Producer<String, byte[]> producer;
    private final IngestorMetrics metrics;
    /** Fingerprint of the last record sent, by topic and key: {@code topic|namespace/name}. */
    private final Map<String, String> lastSent = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastFailureLog = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries;
    private final AtomicInteger pendingRetries = new AtomicInteger();
    private volatile boolean active = true;
    private volatile boolean closed;

    public Publisher(String bootstrapServers, String clientId, IngestorMetrics metrics) {
        this(producer(bootstrapServers, clientId, Map.of()), metrics);
    }

    /** With producer settings of its own on top of the defaults (the KV-event publisher compresses). */
    public Publisher(String bootstrapServers, String clientId, IngestorMetrics metrics, Map<String, Object> overrides) {
        this(producer(bootstrapServers, clientId, overrides), metrics);
    }

    /** Over any producer: tests pass Kafka's {@code MockProducer}. */
    public Publisher(Producer<String, byte[]> producer, IngestorMetrics metrics) {
        this.producer = producer;
        this.metrics = metrics;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "publisher-retries");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Whether this replica publishes at all (the leader does; a standby replica only keeps its view).
     * Becoming inactive forgets what was sent, so that becoming active again re-sends everything.
     */
    public void active(boolean active) {
        this.active = active;
        if (!active) {
            lastSent.clear();
        }
    }

    public boolean active() {
        return active;
    }

    /** Sends a resource record (or a tombstone when {@code value} is null), unless it is unchanged. */
    public <V> void resource(Topic<String, V> topic, ResourceKey key, V value) {
        if (!active) {
            return;
        }
        String id = id(topic, key);
        // A tombstone is remembered as the empty fingerprint, so a repeated delete is skipped too.
        String fingerprint = value == null ? "" : fingerprint(value);
        String previous = lastSent.put(id, fingerprint);
        if (fingerprint.equals(previous)) {
            metrics.unchangedSkipped(topic.name());
            return;
        }
        sendResource(topic, key, value, fingerprint, 0);
    }

    /**
     * Removes a record whose key is not {@code namespace/name} (so names no object) from a resource
     * topic; not retried: the next reconcile finds it again if this one is lost.
     */
    public void tombstoneMalformed(Topic<String, ?> topic, String key) {
        if (!active) {
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, null), (meta, error) -> {
                if (error == null) {
                    published(topic, null);
                } else {
                    failed(topic, key, error, "removed at the next reconcile");
                }
            });
        } catch (RuntimeException e) {
            failed(topic, key, e, "removed at the next reconcile");
        }
    }

    /** Sends a metrics snapshot as it is: every scrape counts, an unchanged one too. */
    public <V> void send(Topic<String, V> topic, EndpointId key, V value, long observedAtMs) {
        send(topic, key, value, () -> metrics.metricsAcknowledged(System.currentTimeMillis() - observedAtMs),
                () -> { }, "superseded by the next scrape");
    }

    /**
     * Sends a record as it is, not retried: {@code acknowledged} runs when the broker has it, {@code lost}
     * when it will not (both on the producer's thread: they must not block). Does nothing while inactive.
     *
     * @param consequence what a loss means, for the log
     */
    public <V> void send(Topic<String, V> topic, EndpointId key, V value, Runnable acknowledged, Runnable lost,
                         String consequence) {
        if (!active) {
            return;
        }
        byte[] bytes = serialize(topic, key, value);
        if (bytes == null && value != null) {
            lost.run();
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic.name(), key.toString(), bytes), (meta, error) -> {
                if (error == null) {
                    published(topic, value);
                    acknowledged.run();
                } else {
                    failed(topic, key, error, consequence);
                    lost.run();
                }
            });
        } catch (RuntimeException e) {
            failed(topic, key, e, consequence);
            lost.run();
        }
    }

    /**
     * Sends input that could not be read to {@code dead-letters} as it was, with why and where from in
     * {@code headers} (see {@link io.inferrouter.schemas.topics.DeadLetterHeaders}); not retried.
     */
    public void deadLetter(String key, byte[] value, Map<String, String> headers) {
        if (!active) {
            return;
        }
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(Topics.DEAD_LETTERS.name(), key, value);
        headers.forEach((name, text) -> letter.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(letter, (meta, error) -> {
                if (error == null) {
                    published(Topics.DEAD_LETTERS, value);
                } else {
                    failed(Topics.DEAD_LETTERS, key, error, "the dead letter is lost; the input was counted and logged");
                }
            });
        } catch (RuntimeException e) {
            failed(Topics.DEAD_LETTERS, key, e, "the dead letter is lost; the input was counted and logged");
        }
    }

    /** Resource records waiting to be sent again after a failure. */
    public int pendingRetries() {
        return pendingRetries.get();
    }

    /** Waits until everything handed to the producer so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }

    private <V> void sendResource(Topic<String, V> topic, ResourceKey key, V value, String fingerprint, int attempt) {
        byte[] bytes = serialize(topic, key, value);
        if (bytes == null && value != null) {
            lastSent.remove(id(topic, key), fingerprint);
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic.name(), key.toString(), bytes), (meta, error) -> {
                if (error == null) {
                    published(topic, value);
                } else {
                    resourceFailed(topic, key, value, fingerprint, attempt, error);
                }
            });
        } catch (RuntimeException e) {
            resourceFailed(topic, key, value, fingerprint, attempt, e);
        }
    }

    private <V> void resourceFailed(Topic<String, V> topic, ResourceKey key, V value, String fingerprint, int attempt,
                                    Exception error) {
        String id = id(topic, key);
        boolean retriable = error instanceof RetriableException || error instanceof TimeoutException;
        metrics.sendFailed(topic.name(), retriable);
        if (!retriable) {
            lastSent.remove(id, fingerprint);
            LOG.error("record dropped, the broker refused it topic={} key={} error={}", topic.name(), key, error.toString());
            return;
        }
        if (closed || !active) {
            LOG.warn("record not delivered and not retried (stopping or standby) topic={} key={} error={}",
                    topic.name(), key, error.toString());
            return;
        }
        if (!fingerprint.equals(lastSent.get(id))) {
            LOG.debug("record not delivered, a newer state of the key was sent since topic={} key={}", topic.name(), key);
            return;
        }
        long delayMs = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(attempt, 16));
        LOG.warn("record not delivered, retrying topic={} key={} attempt={} retryInMs={} error={}", topic.name(), key,
                attempt + 1, delayMs, error.toString());
        pendingRetries.incrementAndGet();
        try {
            retries.schedule(() -> {
                pendingRetries.decrementAndGet();
                // Retry only while this is still the latest state of the key: a newer one was sent by itself.
                if (active && !closed && fingerprint.equals(lastSent.get(id))) {
                    metrics.sendRetried(topic.name());
                    sendResource(topic, key, value, fingerprint, attempt + 1);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            pendingRetries.decrementAndGet();
            LOG.warn("record not retried, publisher closed topic={} key={}", topic.name(), key);
        }
    }

    private <V> byte[] serialize(Topic<String, V> topic, Object key, V value) {
        if (value == null) {
            return null;
        }
        try {
            return topic.valueSerde().serializer().serialize(topic.name(), value);
        } catch (RuntimeException e) {
            metrics.sendFailed(topic.name(), false);
            LOG.error("record dropped, it does not serialize topic={} key={} error={}", topic.name(), key, e.toString());
            return null;
        }
    }

    private <V> void published(Topic<String, V> topic, V value) {
        metrics.published(topic.name(), value == null);
    }

    private void failed(Topic<String, ?> topic, Object key, Exception error, String consequence) {
        metrics.sendFailed(topic.name(), error instanceof RetriableException);
        AtomicLong last = lastFailureLog.computeIfAbsent(topic.name(), t -> new AtomicLong());
        long now = System.currentTimeMillis();
        long before = last.get();
        if (now - before >= LOG_EVERY.toMillis() && last.compareAndSet(before, now)) {
            LOG.warn("record not delivered ({}) topic={} key={} error={} (further failures of this topic are only "
                    + "counted for {}s)", consequence, topic.name(), key, error.toString(), LOG_EVERY.toSeconds());
        }
    }

    private static String id(Topic<String, ?> topic, ResourceKey key) {
        return topic.name() + "|" + key;
    }

    /** The record as JSON without its observation time: equal for equal content. */
    static String fingerprint(Object value) {
        ObjectNode node = Json.mapper().valueToTree(value);
        node.remove("observedAtMs");
        return node.toString();
    }

    private static Producer<String, byte[]> producer(String bootstrapServers, String clientId,
                                                     Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Metrics must arrive within milliseconds: send at once rather than wait for fuller batches.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.putAll(overrides);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
}
