package io.inferrouter.ingestor.publish;

import io.inferrouter.schemas.resources.ResourceKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys a compacted resource topic holds now (its last record per key is not a tombstone). A key
 * that is not {@code namespace/name} was not written by an ingestor and names no object: it is kept
 * apart, as text, so that reconciling can remove it like any other key without an object.
 */
public final class TopicKeys {

    private static final Logger LOG = LoggerFactory.getLogger(TopicKeys.class);

    private TopicKeys() {
    }

    /** The live keys of a topic: resource keys, and keys that are not {@code namespace/name} at all. */
    public record Live(Set<ResourceKey> keys, Set<String> malformed) {

        public Live {
            keys = Set.copyOf(keys);
            malformed = Set.copyOf(malformed);
        }
    }

    public static Live live(String bootstrapServers, String topic, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            Set<ResourceKey> keys = new HashSet<>();
            Set<String> malformed = new HashSet<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read topic " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (!ResourceKey.isValid(r.key())) {
                        if (r.value() == null) {
                            malformed.remove(r.key());
                        } else {
                            malformed.add(r.key());
                        }
                    } else if (r.value() == null) {
                        keys.remove(ResourceKey.parse(r.key()));
                    } else {
                        keys.add(ResourceKey.parse(r.key()));
                    }
                }
            }
            if (!malformed.isEmpty()) {
                LOG.warn("keys that are not namespace/name found topic={} keys={}", topic, malformed);
            }
            return new Live(keys, malformed);
        }
    }
}
