package io.inferrouter.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.Samples;
import io.inferrouter.schemas.SchemaFiles;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * What every Kafka a test can run against must do with the catalogue: create its topics idempotently
 * and carry every schema type (and tombstones) through a real broker unchanged.
 */
abstract class CatalogueRoundTripContract {

    protected abstract KafkaEndpoint kafka();

    @Test
    void topicCreationIsIdempotentAndMatchesTheCatalogue() {
        try (Admin admin = admin()) {
            TopicAdmin topics = new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30));
            topics.ensure(Topics.all());
            TopicAdmin.Result second = topics.ensure(Topics.all());
            assertThat(second.created()).isEmpty();
            assertThat(second.existing()).hasSize(Topics.all().size());
            assertThat(second.mismatches()).isEmpty();
        }
    }

    @Test
    void everySchemaTypeAndATombstoneCrossTheBrokerUnchanged() throws Exception {
        try (Admin admin = admin()) {
            new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(Topics.all());
        }
        Map<Class<?>, Object> samples = Samples.all();
        java.util.Set<Class<?>> carried = new java.util.HashSet<>();
        for (Topic<?, ?> topic : Topics.all()) {
            Class<?> type = valueType(topic);
            if (type == null) {
                continue;
            }
            roundTrip(topic, samples.get(type));
            carried.add(type);
        }
        // Every schema type crosses the broker on at least one topic (decisions on two).
        assertThat(carried).as("record types carried through the broker")
                .containsExactlyInAnyOrderElementsOf(SchemaFiles.all().keySet());
    }

    @SuppressWarnings("unchecked")
    private void roundTrip(Topic<?, ?> topic, Object sample) throws Exception {
        roundTripTyped((Topic<String, Object>) topic, sample);
    }

    private <V> void roundTripTyped(Topic<String, V> topic, Object sample) throws Exception {
        V value = castValue(topic, sample);
        String key = "rt-" + UUID.randomUUID();
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps(), topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
            producer.send(new ProducerRecord<>(topic.name(), key, null)).get();
        }
        List<ConsumerRecord<String, V>> mine = readAll(topic, key);
        assertThat(mine).as("records of %s", topic.name()).hasSize(2);
        assertThat(mine.get(0).value()).isEqualTo(value);
        assertThat(mine.get(1).value()).as("tombstone").isNull();
    }

    private <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic, String key) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, V>> mine = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("read %s to its end within 30 s", topic.name()).isLessThan(deadline);
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        mine.add(r);
                    }
                }
            }
            return mine;
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers()));
    }

    private Map<String, Object> producerProps() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all");
    }

    /** The record type of a catalogue topic's values, or null for raw-bytes topics. */
    private static Class<?> valueType(Topic<?, ?> topic) {
        if (topic.valueSerde() instanceof io.inferrouter.schemas.serde.JsonSerde<?> json) {
            return json.type();
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <V> V castValue(Topic<String, V> topic, Object sample) {
        assertThat(sample).as("a sample value for topic %s", topic.name()).isNotNull();
        return (V) sample;
    }
}
