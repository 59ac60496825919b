package io.inferrouter.ingestor.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.inferrouter.ingestor.CapturedLogs;
import io.inferrouter.ingestor.ProducedRecords;
import io.inferrouter.ingestor.state.ClusterState;
import io.inferrouter.schemas.topics.Topics;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What becomes of an object the mapper cannot turn into a record: counted, logged, its key tombstoned. */
class ResourceEventsTest {

    private final ProducedRecords out = new ProducedRecords();
    private final ResourceEvents events = new ResourceEvents(new ResourceMapper("test"),
            new ClusterState(out.publisher, Set.of()), out.metrics);
    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs(ResourceEvents.class);

    private static GenericKubernetesResource model(String name, Map<String, Object> spec) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(Kinds.INFERENCE_MODEL.apiVersion());
        r.setKind(Kinds.INFERENCE_MODEL.kind());
        r.setMetadata(new ObjectMetaBuilder().withNamespace("llm").withName(name).withUid("uid-" + name).build());
        r.setAdditionalProperty("spec", spec);
        return r;
    }

    private double unmappable() {
        var c = out.registry.find("ingestor_unmappable_resources").tag("kind", Kinds.INFERENCE_MODEL.label()).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anEditThatRemovesTheModelNameTombstonesWhatWasPublishedCountsAndLogsIt() {
        // given a model that was published
        events.upserted(Kinds.INFERENCE_MODEL, model("chat", Map.of("modelName", "chat", "poolRef",
                Map.of("name", "llama"))));
        assertThat(out.latest(Topics.INFERENCE_MODELS, "llm/chat")).isNotNull();

        // when an edit leaves it without spec.modelName
        events.upserted(Kinds.INFERENCE_MODEL, model("chat", Map.of("poolRef", Map.of("name", "llama"))));

        // then the old version no longer routes, and the operator can see why
        assertThat(out.tombstoned(Topics.INFERENCE_MODELS, "llm/chat")).isTrue();
        assertThat(unmappable()).isEqualTo(1);
        assertThat(logs.lines()).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("resource not published").contains("key=llm/chat").contains("spec.modelName"));
    }

    @Test
    void anUnmappableObjectDoesNotStopTheEventsAfterIt() {
        // given an object that cannot be mapped, and never was published
        events.upserted(Kinds.INFERENCE_MODEL, model("broken", Map.of("criticality", "Critical")));

        // when a good one follows
        events.upserted(Kinds.INFERENCE_MODEL, model("chat", Map.of("modelName", "chat", "poolRef",
                Map.of("name", "llama"))));

        // then the broken one is counted and never has a value (at most a tombstone, in case an earlier
        // process published it); the good one is published
        assertThat(unmappable()).isEqualTo(1);
        assertThat(out.values(Topics.INFERENCE_MODELS, "llm/broken")).allMatch(java.util.Objects::isNull);
        assertThat(out.latest(Topics.INFERENCE_MODELS, "llm/chat").modelName()).isEqualTo("chat");
    }

    @Test
    void anObjectWithoutANameIsCountedAndIgnored() {
        GenericKubernetesResource nameless = model("x", Map.of("modelName", "chat"));
        nameless.getMetadata().setName(null);

        events.upserted(Kinds.INFERENCE_MODEL, nameless);

        assertThat(unmappable()).isEqualTo(1);
        assertThat(out.records(Topics.INFERENCE_MODELS)).isEmpty();
        assertThat(logs.lines()).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("(no metadata.name)"));
    }
}
