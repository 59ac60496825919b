package io.inferrouter.devstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferrouter.devstack.kube.KubeApi;
import io.inferrouter.ingestor.IngestorConfig;
import io.inferrouter.ingestor.StateIngestor;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The CRDs and examples under deploy/ load into fabric8's mock API server, and state-ingestor publishes them. */
@ExtendWith(EmbeddedKafkaExtension.class)
class ExamplesLoadIT {

    @Test
    void theCrdsAndExamplesLoadAndTheIngestorPicksThemUp(KafkaEndpoint kafka, @TempDir Path dir) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(Topics.all());
        }
        Path deploy = Path.of("..", "deploy");
        try (KubeApi api = KubeApi.start("127.0.0.1", 0, dir, List.of(deploy.resolve("crds"), deploy.resolve("examples"),
                deploy.resolve("compose")));
             KubernetesClient client = api.newClient()) {
            assertThat(client.resources(CustomResourceDefinition.class).list().getItems()).hasSize(5);
            IngestorConfig config = new IngestorConfig(kafka.bootstrapServers(), "kubernetes", api.kubeconfig(), List.of(),
                    null, Set.of(), Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), "127.0.0.1", 0,
                    false, "default", "examples-it", Duration.ofSeconds(30), Duration.ofMinutes(5), (short) 1);
            try (StateIngestor ingestor = StateIngestor.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    null)) {
                await().atMost(Duration.ofSeconds(60)).until(ingestor::ready);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(keys(kafka, Topics.INFERENCE_POOLS)).contains("llm/llama", "llm/qwen");
                    assertThat(keys(kafka, Topics.INFERENCE_MODELS)).contains("llm/llama", "llm/chat", "llm/sql",
                            "llm/batch-summaries", "llm/qwen");
                    assertThat(keys(kafka, Topics.INFERENCE_OBJECTIVES)).contains("llm/batch", "llm/interactive");
                    assertThat(keys(kafka, Topics.INFERENCE_MODEL_REWRITES)).contains("llm/gpt-4o-alias");
                    assertThat(keys(kafka, Topics.HTTP_ROUTES)).contains("llm/llm-route");
                    assertThat(keys(kafka, Topics.PODS)).contains("llm/vllm-llama-0", "llm/vllm-qwen-0");
                });
            }
        }
    }

    private static Set<String> keys(KafkaEndpoint kafka, Topic<String, ?> topic) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            Set<String> keys = new HashSet<>();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (r.value() == null) {
                        keys.remove(r.key());
                    } else {
                        keys.add(r.key());
                    }
                });
            }
            return keys;
        }
    }
}
