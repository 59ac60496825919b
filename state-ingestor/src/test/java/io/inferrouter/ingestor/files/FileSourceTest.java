package io.inferrouter.ingestor.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.ingestor.ProducedRecords;
import io.inferrouter.ingestor.kube.ResourceEvents;
import io.inferrouter.ingestor.kube.ResourceMapper;
import io.inferrouter.ingestor.state.ClusterState;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest directory, rescanned by hand (the poller's period is set to an hour). */
class FileSourceTest {

    private final ProducedRecords out = new ProducedRecords();
    private final ResourceEvents events = new ResourceEvents(new ResourceMapper("file:test"),
            new ClusterState(out.publisher, Set.of()), out.metrics);

    private static String model(String name, String criticality) {
        return """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata:
                  name: %s
                  namespace: llm
                spec:
                  modelName: %s
                  criticality: %s
                  poolRef:
                    name: llama
                """.formatted(name, name, criticality);
    }

    @Test
    void multiDocumentFilesEditsAndRemovalsBecomeRecordsAndTombstones(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("src/test/resources/manifests/pools.yaml"), dir.resolve("pools.yaml"));
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [pools.yaml]\n");
        Path models = dir.resolve("sub").resolve("models.yaml");
        Files.createDirectories(models.getParent());
        Files.writeString(models, model("a", "Critical") + "---\n" + model("b", "Standard"));
        try (FileSource source = new FileSource(dir, List.of(), events, Duration.ofHours(1))) {
            assertThat(source.synced()).isTrue();
            assertThat(out.keys(Topics.INFERENCE_POOLS)).containsExactlyInAnyOrder("llm/llama", "llm/qwen");
            assertThat(out.keys(Topics.INFERENCE_MODELS)).containsExactlyInAnyOrder("llm/a", "llm/b");

            Files.writeString(models, model("a", "Sheddable"));
            source.rescan();
            assertThat(out.latest(Topics.INFERENCE_MODELS, "llm/a").criticality()).isEqualTo(Criticality.Sheddable);
            assertThat(out.tombstoned(Topics.INFERENCE_MODELS, "llm/b")).isTrue();
            assertThat(out.values(Topics.INFERENCE_POOLS, "llm/llama")).as("unchanged files cause no records").hasSize(1);

            Files.writeString(models, "spec: [this is not yaml");
            source.rescan();
            assertThat(out.latest(Topics.INFERENCE_MODELS, "llm/a")).as("a broken file keeps its objects").isNotNull();

            Files.delete(dir.resolve("pools.yaml"));
            source.rescan();
            assertThat(out.tombstoned(Topics.INFERENCE_POOLS, "llm/llama")).isTrue();
            assertThat(out.tombstoned(Topics.INFERENCE_POOLS, "llm/qwen")).isTrue();
        }
    }

    @Test
    void objectsOfOtherNamespacesAreIgnoredWhenNamespacesAreSet(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("m.yaml"), model("a", "Critical") + "---\n"
                + model("b", "Critical").replace("namespace: llm", "namespace: other"));
        try (FileSource source = new FileSource(dir, List.of("other"), events, Duration.ofHours(1))) {
            assertThat(out.keys(Topics.INFERENCE_MODELS)).containsExactly("other/b");
        }
    }
}
