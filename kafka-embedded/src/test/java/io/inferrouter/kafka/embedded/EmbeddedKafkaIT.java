package io.inferrouter.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaIT extends CatalogueRoundTripContract {

    private KafkaEndpoint kafka;

    @org.junit.jupiter.api.BeforeEach
    void inject(KafkaEndpoint kafka) {
        this.kafka = kafka;
    }

    @Override
    protected KafkaEndpoint kafka() {
        return kafka;
    }

    @Test
    void aRestartOnTheSameLogDirectoryKeepsTheData(@TempDir Path dir) throws Exception {
        BrokerSettings settings = BrokerSettings.ephemeral().withLogDir(dir);
        try (EmbeddedKafka first = EmbeddedKafka.start(settings)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("kept", "k", "survives a restart")).get();
            }
        }
        assertThat(dir).isNotEmptyDirectory();
        try (EmbeddedKafka second = EmbeddedKafka.start(settings);
             KafkaConsumer<String, String> c = new KafkaConsumer<>(
                     Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers()),
                     new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("kept", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                records = c.poll(Duration.ofMillis(200));
            }
            assertThat(records.records(tp)).extracting(r -> r.value()).containsExactly("survives a restart");
        }
    }

    @Test
    void aTemporaryBrokerDeletesItsDataOnClose() {
        Path dir;
        try (EmbeddedKafka broker = EmbeddedKafka.start(BrokerSettings.ephemeral())) {
            dir = broker.logDir();
            assertThat(dir).exists();
        }
        assertThat(dir).doesNotExist();
    }
}
