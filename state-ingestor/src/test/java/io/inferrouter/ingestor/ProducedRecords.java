package io.inferrouter.ingestor;

import io.inferrouter.ingestor.metrics.IngestorMetrics;
import io.inferrouter.ingestor.metrics.MicrometerIngestorMetrics;
import io.inferrouter.ingestor.publish.Publisher;
import io.inferrouter.schemas.topics.Topic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A {@link Publisher} over Kafka's MockProducer, and typed reads of what it sent: unit tests without a broker. */
public final class ProducedRecords {

    public final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final IngestorMetrics metrics = new MicrometerIngestorMetrics(registry);
    public final Publisher publisher = new Publisher(producer, metrics);

    /** Every record sent to {@code topic} for {@code key}, in order; a null value is a tombstone. */
    public <V> List<V> values(Topic<String, V> topic, String key) {
        return records(topic).stream().filter(r -> key.equals(r.key()))
                .map(r -> r.value() == null ? null : topic.valueSerde().deserializer().deserialize(topic.name(), r.value()))
                .toList();
    }

    /** The last value sent for {@code key}, null when none was sent or the last one is a tombstone. */
    public <V> V latest(Topic<String, V> topic, String key) {
        List<V> v = values(topic, key);
        return v.isEmpty() ? null : v.get(v.size() - 1);
    }

    public boolean tombstoned(Topic<String, ?> topic, String key) {
        List<?> v = values(topic, key);
        return !v.isEmpty() && v.get(v.size() - 1) == null;
    }

    public List<ProducerRecord<String, byte[]>> records(Topic<String, ?> topic) {
        return producer.history().stream().filter(r -> r.topic().equals(topic.name())).toList();
    }

    /** Keys that got any record on {@code topic}. */
    public List<String> keys(Topic<String, ?> topic) {
        return records(topic).stream().map(ProducerRecord::key).filter(Objects::nonNull).distinct().toList();
    }

    public void clear() {
        producer.clear();
    }
}
