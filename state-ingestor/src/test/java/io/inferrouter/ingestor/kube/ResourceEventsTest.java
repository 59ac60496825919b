package io.inferrouter.ingestor.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.inferrouter.ingestor.CapturedLogs;
import io.inferrouter.ingestor.ProducedRecords;
import io.inferrouter.ingestor.state.ClusterState;
import io.inferrouter.ingestor.state.KvEventsPorts;
import io.inferrouter.ingestor.state.KvEventsTarget;
import io.inferrouter.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What becomes of an object the mapper cannot turn into a record: counted, logged, its key tombstoned. */
class ResourceEventsTest {

    private final ProducedRecords out = new ProducedRecords();
    private final ClusterState state = new ClusterState(out.publisher, Set.of());
    private final ResourceEvents events = new ResourceEvents(new ResourceMapper("test"), state, out.metrics);
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

    @Test
    void kvEventPortsComeFromThePodsAnnotationsThenThePoolsAndABadValueIsLoggedAndSkipped() {
        // given a pool annotated with a replay port, and two members: one annotated, one with a typo
        GenericKubernetesResource pool = new GenericKubernetesResource();
        pool.setApiVersion(Kinds.INFERENCE_POOL_V1.apiVersion());
        pool.setKind(Kinds.INFERENCE_POOL_V1.kind());
        pool.setMetadata(new ObjectMetaBuilder().withNamespace("llm").withName("p")
                .withAnnotations(Map.of(KvEventsPorts.REPLAY_PORT_ANNOTATION, "6558")).build());
        pool.setAdditionalProperty("spec", Map.of("selector", Map.of("matchLabels", Map.of("app", "vllm")),
                "targetPorts", List.of(Map.of("number", 8000))));
        events.upserted(Kinds.INFERENCE_POOL_V1, pool);
        events.upserted(Kinds.POD, pod("a", Map.of(KvEventsPorts.PORT_ANNOTATION, "6557")));
        events.upserted(Kinds.POD, pod("b", Map.of(KvEventsPorts.PORT_ANNOTATION, "55xx")));

        // when the KV-event sockets are asked for
        List<KvEventsTarget> targets = state.kvEventsTargets(new KvEventsPorts(5557, 5558));

        // then each level applies where the one below is silent, and the typo is logged, not fatal
        assertThat(targets).extracting(t -> t.endpoint().pod() + " " + t.port() + "/" + t.replayPort())
                .containsExactlyInAnyOrder("a 6557/6558", "b 5557/6558");
        assertThat(logs.lines()).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("annotation ignored")
                .contains("key=llm/b").contains("'55xx'"));
    }

    private static io.fabric8.kubernetes.api.model.Pod pod(String name, Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withNamespace("llm").withName(name).withLabels(Map.of("app", "vllm"))
                .withAnnotations(annotations).endMetadata().withNewSpec().endSpec().withNewStatus()
                .withPodIP("10.0.0." + name.length()).addNewCondition().withType("Ready").withStatus("True")
                .endCondition().endStatus().build();
    }
}
