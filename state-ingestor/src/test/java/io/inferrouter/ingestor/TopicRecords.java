package io.inferrouter.ingestor;

import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.support.TopicSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Follows a topic from its beginning on a background thread; tests wait on what arrived. */
final class TopicRecords<V> implements AutoCloseable {

    /** One record as read (null value = tombstone), with its headers as text. */
    record Rec<V>(String key, V value, long receivedAtMs, Map<String, String> headers) {
    }

    private final List<Rec<V>> records = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    TopicRecords(String bootstrap, Topic<String, V> topic) {
        // The topic may not exist yet (the ingestor creates it at start): create the catalogue first.
        TopicSetup.ensure(bootstrap, (short) 1, Duration.ofSeconds(30), Topics.all());
        thread = Thread.ofVirtual().start(() -> {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> parts = c.partitionsFor(topic.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(parts);
                c.seekToBeginning(parts);
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                        Map<String, String> headers = new java.util.HashMap<>();
                        r.headers().forEach(h -> headers.put(h.key(), new String(h.value(),
                                java.nio.charset.StandardCharsets.UTF_8)));
                        records.add(new Rec<>(r.key(), r.value() == null ? null
                                : topic.valueSerde().deserializer().deserialize(topic.name(), r.value()),
                                System.currentTimeMillis(), Map.copyOf(headers)));
                    }
                }
            }
        });
    }

    List<Rec<V>> all() {
        return new ArrayList<>(records);
    }

    /** The latest value per key as read so far; a tombstoned key maps to null. */
    V latest(String key) {
        V v = null;
        for (Rec<V> r : records) {
            if (key.equals(r.key())) {
                v = r.value();
            }
        }
        return v;
    }

    /** Every value received for {@code key}, in order (null = tombstone). */
    List<V> values(String key) {
        List<V> out = new ArrayList<>();
        for (Rec<V> r : records) {
            if (key.equals(r.key())) {
                out.add(r.value());
            }
        }
        return out;
    }

    boolean tombstoned(String key) {
        Rec<V> last = null;
        for (Rec<V> r : records) {
            if (key.equals(r.key())) {
                last = r;
            }
        }
        return last != null && last.value() == null;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
