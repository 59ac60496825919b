package io.inferrouter.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.support.TopicSetup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record on a resource topic whose key is not {@code namespace/name} names no object: an ingestor of
 * every namespace removes it when it reconciles, an ingestor of some namespaces leaves it (it may
 * belong to another ingestor's namespaces). Its own broker: an ingestor of all namespaces touches
 * every key of the topics.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class MalformedKeysIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String JUNK = "written-by-someone-else";

    @Test
    void onlyAnIngestorOfEveryNamespaceRemovesAKeyThatIsNoNamespaceSlashName(KafkaEndpoint kafka) throws Exception {
        TopicSetup.ensure(kafka.bootstrapServers(), (short) 1, WAIT, Topics.all());
        Pod pod = new Pod(ResourceMeta.of("llm", "p"), "10.0.0.1", Map.of(), true, false, List.of(8000), "node",
                List.of(), 1, "test");
        try (ApiServer api = new ApiServer();
             TopicRecords<Pod> pods = new TopicRecords<>(kafka.bootstrapServers(), Topics.PODS)) {
            api.namespace("llm");
            send(kafka, JUNK, pod);
            await().atMost(WAIT).until(() -> pods.latest(JUNK) != null);
            try (StateIngestor scoped = start(kafka, api, Map.of("namespaces", "llm", "identity", "scoped"))) {
                await().atMost(WAIT).until(scoped::ready);
            }
            // The topic has one partition: once a later record is read, any tombstone sent before it was too.
            send(kafka, "llm/marker", pod);
            await().atMost(WAIT).until(() -> pods.latest("llm/marker") != null);
            assertThat(pods.tombstoned(JUNK)).as("an ingestor of namespace llm leaves it").isFalse();
            try (StateIngestor all = start(kafka, api, Map.of("identity", "all"))) {
                await().atMost(WAIT).until(all::ready);
                await().atMost(WAIT).until(() -> pods.tombstoned(JUNK));
            }
        }
    }

    private static void send(KafkaEndpoint kafka, String key, Pod pod) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.PODS.name(), key,
                    Topics.PODS.valueSerde().serializer().serialize(Topics.PODS.name(), pod))).get();
        }
    }

    private static StateIngestor start(KafkaEndpoint kafka, ApiServer api, Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(keys);
        all.putAll(Map.of("kafka.bootstrap-servers", kafka.bootstrapServers(), "http.port", "0",
                "sync-timeout", "30s"));
        return StateIngestor.start(IngestorConfig.of(all), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                api.client());
    }
}
