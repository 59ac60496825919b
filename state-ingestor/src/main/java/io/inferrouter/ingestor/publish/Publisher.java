package io.inferrouter.ingestor.publish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.topics.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * until its delivery timeout). Nothing is dropped silently:
 *
 * <ul>
 *   <li>Resource records (and tombstones) that still fail are sent again, with a back-off, for as long
 *       as they are the latest state of their key; a newer state of the key replaces the retry. Only a
 *       non-retriable error (a record the broker refuses) gives up, counted and logged at ERROR.</li>
 *   <li>Metrics snapshots are not retried (the next scrape supersedes them); failures are counted,
 *       and logged at most once per topic every {@link #LOG_EVERY}.</li>
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
    private final MeterRegistry registry;
    private final Map<String, String> lastSent = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastFailureLog = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries;
    private final Timer metricsAckLatency;
    private final java.util.concurrent.atomic.AtomicInteger pendingRetries = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean active = true;
    private volatile boolean closed;

    public Publisher(String bootstrapServers, String clientId, MeterRegistry registry) {
        this(producer(bootstrapServers, clientId), registry);
    }

    /** Over any producer: tests pass Kafka's {@code MockProducer}. */
    public Publisher(Producer<String, byte[]> producer, MeterRegistry registry) {
        this.producer = producer;
        this.registry = registry;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "publisher-retries");
            t.setDaemon(true);
            return t;
        });
        this.metricsAckLatency = Timer.builder("ingestor_metrics_publish_latency")
                .description("From the end of a scrape to the broker's acknowledgement of its snapshot")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
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
    public <V> void resource(Topic<String, V> topic, String key, V value) {
        if (!active) {
            return;
        }
        String id = id(topic, key);
        // A tombstone is remembered as the empty fingerprint, so a repeated delete is skipped too.
        String fingerprint = value == null ? "" : fingerprint(value);
        String previous = lastSent.put(id, fingerprint);
        if (fingerprint.equals(previous)) {
            counter("ingestor_unchanged_skipped", topic.name(), "").increment();
            return;
        }
        sendResource(topic, key, value, fingerprint, 0);
    }

    /** Sends a metrics snapshot as it is: every scrape counts, an unchanged one too. */
    public <V> void send(Topic<String, V> topic, String key, V value, long observedAtMs) {
        if (!active) {
            return;
        }
        byte[] bytes = serialize(topic, key, value);
        if (bytes == null && value != null) {
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, bytes), (meta, error) -> {
                if (error == null) {
                    published(topic, value);
                    metricsAckLatency.record(Math.max(0, System.currentTimeMillis() - observedAtMs), TimeUnit.MILLISECONDS);
                } else {
                    failed(topic, key, error, "superseded by the next scrape");
                }
            });
        } catch (RuntimeException e) {
            failed(topic, key, e, "superseded by the next scrape");
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

    private <V> void sendResource(Topic<String, V> topic, String key, V value, String fingerprint, int attempt) {
        byte[] bytes = serialize(topic, key, value);
        if (bytes == null && value != null) {
            lastSent.remove(id(topic, key), fingerprint);
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, bytes), (meta, error) -> {
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

    private <V> void resourceFailed(Topic<String, V> topic, String key, V value, String fingerprint, int attempt,
                                    Exception error) {
        String id = id(topic, key);
        boolean retriable = error instanceof RetriableException || error instanceof TimeoutException;
        counter("ingestor_send_failures", topic.name(), retriable ? "true" : "false").increment();
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
                    counter("ingestor_send_retries", topic.name(), "").increment();
                    sendResource(topic, key, value, fingerprint, attempt + 1);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pendingRetries.decrementAndGet();
            LOG.warn("record not retried, publisher closed topic={} key={}", topic.name(), key);
        }
    }

    private <V> byte[] serialize(Topic<String, V> topic, String key, V value) {
        if (value == null) {
            return null;
        }
        try {
            return topic.valueSerde().serializer().serialize(topic.name(), value);
        } catch (RuntimeException e) {
            counter("ingestor_send_failures", topic.name(), "false").increment();
            LOG.error("record dropped, it does not serialize topic={} key={} error={}", topic.name(), key, e.toString());
            return null;
        }
    }

    private <V> void published(Topic<String, V> topic, V value) {
        counter("ingestor_records_published", topic.name(), value == null ? "tombstone" : "record").increment();
    }

    private void failed(Topic<String, ?> topic, String key, Exception error, String consequence) {
        counter("ingestor_send_failures", topic.name(), error instanceof RetriableException ? "true" : "false")
                .increment();
        AtomicLong last = lastFailureLog.computeIfAbsent(topic.name(), t -> new AtomicLong());
        long now = System.currentTimeMillis();
        long before = last.get();
        if (now - before >= LOG_EVERY.toMillis() && last.compareAndSet(before, now)) {
            LOG.warn("record not delivered ({}) topic={} key={} error={} (further failures of this topic are only "
                    + "counted for {}s)", consequence, topic.name(), key, error.toString(), LOG_EVERY.toSeconds());
        }
    }

    private Counter counter(String name, String topic, String tag) {
        return counters.computeIfAbsent(name + "|" + topic + "|" + tag, k -> switch (name) {
            case "ingestor_records_published" -> Counter.builder(name).description("Records acknowledged by the broker")
                    .tag("topic", topic).tag("kind", tag).register(registry);
            case "ingestor_send_failures" -> Counter.builder(name).description("Sends that failed (retriable or not)")
                    .tag("topic", topic).tag("retriable", tag).register(registry);
            case "ingestor_send_retries" -> Counter.builder(name).description("Resource records sent again after a failure")
                    .tag("topic", topic).register(registry);
            default -> Counter.builder(name).description("Resource records not sent because they did not change")
                    .tag("topic", topic).register(registry);
        });
    }

    private static String id(Topic<String, ?> topic, String key) {
        return topic.name() + "|" + key;
    }

    /** The record as JSON without its observation time: equal for equal content. */
    static String fingerprint(Object value) {
        ObjectNode node = Json.mapper().valueToTree(value);
        node.remove("observedAtMs");
        return node.toString();
    }

    private static Producer<String, byte[]> producer(String bootstrapServers, String clientId) {
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
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
}
