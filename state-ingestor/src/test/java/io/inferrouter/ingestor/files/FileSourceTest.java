package io.inferrouter.ingestor.files;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.inferrouter.ingestor.CapturedLogs;
import io.inferrouter.ingestor.ProducedRecords;
import io.inferrouter.ingestor.kube.Kinds;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The manifest directory, rescanned by hand (the poller's period is set to an hour). */
class FileSourceTest {

    private final ProducedRecords out = new ProducedRecords();
    private final ResourceEvents events = new ResourceEvents(new ResourceMapper("file:test"),
            new ClusterState(out.publisher, Set.of()), out.metrics);
    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs(ResourceEvents.class);

    private static String model(String name, String criticality) {
        return model("llm", name, name, criticality);
    }

    private static String model(String namespace, String name, String modelName, String criticality) {
        return """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata:
                  name: "%s"
                  namespace: "%s"
                spec:
                  modelName: %s
                  criticality: %s
                  poolRef:
                    name: llama
                """.formatted(name, namespace, modelName, criticality);
    }

    private double unmappableModels() {
        var c = out.registry.find("ingestor_unmappable_resources").tag("kind", Kinds.INFERENCE_MODEL.label())
                .counter();
        return c == null ? 0 : c.count();
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
    void anObjectWhoseNameOrNamespaceMakesNoKeyIsCountedAndSkippedAndTheRestOfItsFileApplies(@TempDir Path dir)
            throws Exception {
        // given a file of two models, both published
        Path models = dir.resolve("models.yaml");
        Files.writeString(models, model("a", "Critical") + "---\n" + model("b", "Critical"));
        try (FileSource source = new FileSource(dir, List.of(), events, Duration.ofHours(1))) {
            assertThat(out.keys(Topics.INFERENCE_MODELS)).containsExactlyInAnyOrder("llm/a", "llm/b");

            // when b is renamed to a blank name, an object with a namespace no key can have comes next, then c
            Files.writeString(models, model("a", "Sheddable") + "---\n" + model("llm", " ", "b", "Critical")
                    + "---\n" + model("llm/x", "d", "d", "Critical") + "---\n" + model("c", "Standard"));
            source.rescan();

            // then the rest of the file is applied, the old name is gone, and both are counted and logged
            assertThat(out.latest(Topics.INFERENCE_MODELS, "llm/a").criticality()).isEqualTo(Criticality.Sheddable);
            assertThat(out.latest(Topics.INFERENCE_MODELS, "llm/c").modelName()).isEqualTo("c");
            assertThat(out.tombstoned(Topics.INFERENCE_MODELS, "llm/b")).isTrue();
            assertThat(out.keys(Topics.INFERENCE_MODELS)).containsExactlyInAnyOrder("llm/a", "llm/b", "llm/c");
            assertThat(unmappableModels()).isEqualTo(2);
            assertThat(logs.lines()).filteredOn(e -> e.getFormattedMessage().startsWith("resource not published"))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).contains("kind=InferenceModel", "key=namespace 'llm' name ' '",
                            "models.yaml"))
                    .anySatisfy(m -> assertThat(m).contains("kind=InferenceModel", "key=namespace 'llm/x' name 'd'"));

            // and an unchanged file is not read, so not counted, again
            source.rescan();
            assertThat(unmappableModels()).isEqualTo(2);
        }
    }

    @Test
    void objectsOfOtherNamespacesAreIgnoredWhenNamespacesAreSet(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("m.yaml"), model("a", "Critical") + "---\n"
                + model("other", "b", "b", "Critical"));
        try (FileSource source = new FileSource(dir, List.of("other"), events, Duration.ofHours(1))) {
            assertThat(out.keys(Topics.INFERENCE_MODELS)).containsExactly("other/b");
        }
    }
}
