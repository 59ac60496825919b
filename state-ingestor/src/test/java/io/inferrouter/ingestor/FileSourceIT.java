package io.inferrouter.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** File-source mode end to end: the fixture manifests into the topics, then an edit and a removed file. */
@ExtendWith(EmbeddedKafkaExtension.class)
class FileSourceIT {

    @Test
    void manifestsEditsAndRemovedFilesReachTheTopics(KafkaEndpoint kafka, @TempDir Path dir) throws Exception {
        for (String f : new String[] {"pools.yaml", "models.yaml", "pods.yaml"}) {
            Files.copy(Path.of("src/test/resources/manifests", f), dir.resolve(f));
        }
        IngestorConfig config = IngestorConfig.of(Map.of("kafka.bootstrap-servers", kafka.bootstrapServers(),
                "source", "files", "files.dir", dir.toString(), "files.poll-interval", "100ms", "namespaces", "llm",
                "http.port", "0", "identity", "files"));
        try (TopicRecords<InferencePool> pools = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_POOLS);
             TopicRecords<InferenceModel> models = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_MODELS);
             TopicRecords<Pod> pods = new TopicRecords<>(kafka.bootstrapServers(), Topics.PODS);
             StateIngestor ingestor = StateIngestor.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            await().atMost(Duration.ofSeconds(20)).until(ingestor::ready);
            await().atMost(Duration.ofSeconds(10)).until(() -> pools.latest("llm/llama") != null
                    && pools.latest("llm/qwen") != null && models.latest("llm/chat") != null
                    && pods.latest("llm/llama-0") != null);
            assertThat(models.latest("llm/chat").source()).startsWith("file:");
            assertThat(models.latest("llm/half-weighted").valid()).isFalse();
            assertThat(pods.values("llm/unrelated")).as("no pool selects it").isEmpty();

            Path edited = dir.resolve("models.yaml.tmp");
            Files.writeString(edited, Files.readString(dir.resolve("models.yaml")).replace("criticality: Critical",
                    "criticality: Sheddable"));
            Files.move(edited, dir.resolve("models.yaml"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(10)).until(() -> models.latest("llm/chat").criticality()
                    == Criticality.Sheddable);

            Files.delete(dir.resolve("pools.yaml"));
            await().atMost(Duration.ofSeconds(10)).until(() -> pools.tombstoned("llm/llama")
                    && pools.tombstoned("llm/qwen") && pods.tombstoned("llm/llama-0"));
            assertThat(models.latest("llm/chat")).as("the other files' objects stay").isNotNull();
        }
    }
}
