package io.inferrouter.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * File-source mode end to end: the fixture manifests into the topics, with invalid, unmappable and
 * unparseable manifests among them that must not stop it; then an edit and a removed file.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class FileSourceIT {

    @Test
    void manifestsEditsAndRemovedFilesReachTheTopics(KafkaEndpoint kafka, @TempDir Path dir) throws Exception {
        for (String f : new String[] {"pools.yaml", "models.yaml", "pods.yaml", "invalid.yaml", "unmappable.yaml"}) {
            Files.copy(Path.of("src/test/resources/manifests", f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("broken.yaml"), "spec: [this is not yaml");
        IngestorConfig config = IngestorConfig.of(Map.of("kafka.bootstrap-servers", kafka.bootstrapServers(),
                "source", "files", "files.dir", dir.toString(), "files.poll-interval", "100ms", "namespaces", "llm",
                "http.port", "0", "identity", "files"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TopicRecords<InferencePool> pools = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_POOLS);
             TopicRecords<InferenceModel> models = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_MODELS);
             TopicRecords<Pod> pods = new TopicRecords<>(kafka.bootstrapServers(), Topics.PODS);
             TopicRecords<InferenceObjective> objectives = new TopicRecords<>(kafka.bootstrapServers(),
                     Topics.INFERENCE_OBJECTIVES);
             TopicRecords<InferenceModelRewrite> rewrites = new TopicRecords<>(kafka.bootstrapServers(),
                     Topics.INFERENCE_MODEL_REWRITES);
             TopicRecords<HttpRoute> routes = new TopicRecords<>(kafka.bootstrapServers(), Topics.HTTP_ROUTES);
             StateIngestor ingestor = StateIngestor.start(config, registry)) {
            await().atMost(Duration.ofSeconds(20)).until(ingestor::ready);
            assertThat(get(ingestor, "/health").statusCode()).isEqualTo(200);
            assertThat(get(ingestor, "/health").body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(get(ingestor, "/ready").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> pools.latest("llm/llama") != null
                    && pools.latest("llm/qwen") != null && models.latest("llm/chat") != null
                    && pods.latest("llm/llama-0") != null);
            assertThat(models.latest("llm/chat").source()).startsWith("file:");
            assertThat(models.latest("llm/half-weighted").valid()).isFalse();
            assertThat(pods.values("llm/unrelated")).as("no pool selects it").isEmpty();

            // Invalid objects are published with their errors, all of invalid.yaml; unmappable ones (no
            // modelName, no poolRef, a name that makes no key) are counted and never published, and the
            // objects after them in their file are published.
            await().atMost(Duration.ofSeconds(10)).until(() -> pools.latest("llm/bad-ports") != null
                    && models.latest("llm/after-the-broken-one") != null);
            assertThat(pools.latest("llm/bad-ports").valid()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> pools.latest("llm/bad-selector") != null
                    && rewrites.latest("llm/bad-rewrite") != null && routes.latest("llm/bad-route") != null
                    && objectives.latest("llm/fractional") != null);
            assertThat(objectives.values("llm/no-pool")).allMatch(Objects::isNull);
            assertThat(models.values("llm/no-model-name")).allMatch(Objects::isNull);
            assertThat(registry.get("ingestor_unmappable_resources").tag("kind", "InferenceModel").counter().count())
                    .isGreaterThanOrEqualTo(1);
            assertThat(registry.get("ingestor_unmappable_resources").tag("kind", "InferencePool/v1").counter().count())
                    .isEqualTo(1);
            assertThat(get(ingestor, "/metrics").body()).contains("ingestor_unmappable_resources")
                    .contains("ingestor_invalid_resources");

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
            assertThat(get(ingestor, "/health").statusCode()).as("still alive after all of it").isEqualTo(200);
        }
    }

    private static HttpResponse<String> get(StateIngestor ingestor, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestor.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
