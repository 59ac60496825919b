package io.inferrouter.ingestor.publish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.topics.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to their topics with an idempotent producer ({@code acks=all}, retries until the
 * delivery timeout), counts what it sent and what failed, and never drops silently: a failed send is
 * logged and counted. Resource records identical to the last one sent for the key (ignoring when they
 * were observed) are not sent again, so informer resyncs cause no churn downstream.
 */
public final class Publisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

    private final Producer<String, byte[]> producer;
    private final MeterRegistry registry;
    private final Map<String, String> lastSent = new ConcurrentHashMap<>();
    private volatile boolean active = true;

    public Publisher(String bootstrapServers, String clientId, MeterRegistry registry) {
        this(producer(bootstrapServers, clientId), registry);
    }

    Publisher(Producer<String, byte[]> producer, MeterRegistry registry) {
        this.producer = producer;
        this.registry = registry;
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
        String id = topic.name() + "|" + key;
        // A tombstone is remembered as the empty fingerprint, so a repeated delete is skipped too.
        String fingerprint = value == null ? "" : fingerprint(value);
        if (fingerprint.equals(lastSent.get(id))) {
            registry.counter("ingestor_unchanged_skipped", "topic", topic.name()).increment();
            return;
        }
        lastSent.put(id, fingerprint);
        send(topic, key, value);
    }

    /** Sends a record as it is (metrics: every scrape counts, even an unchanged one). */
    public <V> void send(Topic<String, V> topic, String key, V value) {
        if (!active) {
            return;
        }
        byte[] bytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, bytes), (meta, error) -> {
                if (error == null) {
                    registry.counter("ingestor_records_published", "topic", topic.name(),
                            "kind", value == null ? "tombstone" : "record").increment();
                } else {
                    registry.counter("ingestor_send_failures", "topic", topic.name()).increment();
                    lastSent.remove(topic.name() + "|" + key);
                    LOG.warn("record not delivered topic={} key={} error={}", topic.name(), key, error.toString());
                }
            });
        } catch (RuntimeException e) {
            registry.counter("ingestor_send_failures", "topic", topic.name()).increment();
            lastSent.remove(topic.name() + "|" + key);
            LOG.warn("record not sent topic={} key={} error={}", topic.name(), key, e.toString());
        }
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
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
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
}
