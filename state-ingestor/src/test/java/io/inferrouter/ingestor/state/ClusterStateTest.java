package io.inferrouter.ingestor.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.ingestor.ProducedRecords;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.PoolRef;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterStateTest {

    private final ProducedRecords out = new ProducedRecords();
    private final ClusterState state = new ClusterState(out.publisher, Set.of("inference.example/serve"));

    private static InferencePool pool(String api, String name, Map<String, String> selector, int... ports) {
        return new InferencePool(ResourceMeta.of("llm", name), api, selector,
                java.util.Arrays.stream(ports).boxed().toList(), null, null, List.of(), 1, "test");
    }

    private static Pod pod(String name, Map<String, String> labels, boolean ready, boolean terminating) {
        return new Pod(ResourceMeta.of("llm", name), "10.0.0." + name.length(), labels, ready, terminating,
                List.of(8000), null, List.of(), 1, "test");
    }

    @Test
    void theV1PoolWinsANameClashAndDeletesOfEitherVersionAreRight() {
        state.upsert(pool(InferencePool.API_V1ALPHA2, "p", Map.of("app", "old"), 8000));
        assertThat(out.latest(Topics.INFERENCE_POOLS, "llm/p").apiVersion()).isEqualTo(InferencePool.API_V1ALPHA2);
        state.upsert(pool(InferencePool.API_V1, "p", Map.of("app", "new"), 9000));
        assertThat(out.latest(Topics.INFERENCE_POOLS, "llm/p").apiVersion()).isEqualTo(InferencePool.API_V1);
        state.upsert(pool(InferencePool.API_V1ALPHA2, "p", Map.of("app", "old2"), 8000));
        assertThat(out.latest(Topics.INFERENCE_POOLS, "llm/p").selector()).as("a v1alpha2 edit does not override v1")
                .containsEntry("app", "new");

        state.delete(InferencePool.class, InferencePool.API_V1, ResourceKey.of("llm", "p"));
        assertThat(out.latest(Topics.INFERENCE_POOLS, "llm/p").apiVersion())
                .as("deleting v1 falls back to the v1alpha2 object").isEqualTo(InferencePool.API_V1ALPHA2);
        assertThat(out.latest(Topics.INFERENCE_POOLS, "llm/p").selector()).containsEntry("app", "old2");
        state.delete(InferencePool.class, InferencePool.API_V1ALPHA2, ResourceKey.of("llm", "p"));
        assertThat(out.tombstoned(Topics.INFERENCE_POOLS, "llm/p")).isTrue();
    }

    @Test
    void deletingTheShadowedV1alpha2PoolChangesNothing() {
        state.upsert(pool(InferencePool.API_V1, "p", Map.of("app", "a"), 8000));
        state.upsert(pool(InferencePool.API_V1ALPHA2, "p", Map.of("app", "b"), 8000));
        int before = out.records(Topics.INFERENCE_POOLS).size();
        state.delete(InferencePool.class, InferencePool.API_V1ALPHA2, ResourceKey.of("llm", "p"));
        assertThat(out.records(Topics.INFERENCE_POOLS)).hasSize(before);
        assertThat(out.latest(Topics.INFERENCE_POOLS, "llm/p").apiVersion()).isEqualTo(InferencePool.API_V1);
    }

    @Test
    void onlyPodsThatCanMatterArePublishedAndASelectorChangeTombstonesTheOthers() {
        state.upsert(pod("a", Map.of("app", "vllm"), true, false));
        state.upsert(pod("web", Map.of("app", "web"), true, false));
        state.upsert(pod("labelled", Map.of("inference.example/serve", "yes"), true, false));
        assertThat(out.keys(Topics.PODS)).containsExactly("llm/labelled");

        state.upsert(pool(InferencePool.API_V1, "p", Map.of("app", "vllm"), 8000));
        assertThat(out.latest(Topics.PODS, "llm/a")).isNotNull();
        assertThat(out.latest(Topics.PODS, "llm/web")).isNull();

        state.upsert(pool(InferencePool.API_V1, "p", Map.of("app", "web"), 8000));
        assertThat(out.tombstoned(Topics.PODS, "llm/a")).as("no pool selects it any more").isTrue();
        assertThat(out.latest(Topics.PODS, "llm/web")).isNotNull();
        assertThat(out.latest(Topics.PODS, "llm/labelled")).as("kept by its label").isNotNull();

        state.delete(InferencePool.class, InferencePool.API_V1, ResourceKey.of("llm", "p"));
        assertThat(out.tombstoned(Topics.PODS, "llm/web")).isTrue();
    }

    @Test
    void aPoolSelectsOnlyPodsOfItsOwnNamespace() {
        state.upsert(pool(InferencePool.API_V1, "p", Map.of("app", "vllm"), 8000));
        state.upsert(new Pod(ResourceMeta.of("other", "a"), "10.0.0.1", Map.of("app", "vllm"), true, false, List.of(),
                null, List.of(), 1, "test"));
        assertThat(out.keys(Topics.PODS)).isEmpty();
        assertThat(state.scrapeTargets()).isEmpty();
    }

    @Test
    void scrapeTargetsAreReadyMemberPodsTimesTargetPorts() {
        state.upsert(pool(InferencePool.API_V1, "p", Map.of("app", "vllm"), 8000, 8001));
        state.upsert(pod("a", Map.of("app", "vllm", "inference.networking.k8s.io/engine-type", "sglang"), true, false));
        state.upsert(pod("bb", Map.of("app", "vllm"), false, false));
        state.upsert(pod("ccc", Map.of("app", "vllm"), true, true));
        assertThat(state.scrapeTargets()).extracting(ScrapeTarget::endpoint).containsExactlyInAnyOrder(
                EndpointId.parse("llm/a:8000"), EndpointId.parse("llm/a:8001"));
        assertThat(state.scrapeTargets()).allMatch(t -> t.engineType().equals("sglang"));
        assertThat(out.latest(Topics.PODS, "llm/bb").ready()).as("an unready member is published as unready").isFalse();
        assertThat(out.latest(Topics.PODS, "llm/ccc").terminating()).isTrue();

        state.upsert(pool(InferencePool.API_V1, "p", Map.of(), 8000));
        assertThat(state.scrapeTargets()).as("a pool without a selector selects no pod").isEmpty();
    }

    @Test
    void kvEventSocketsAreTheScrapedEndpointsWithThePodsThenThePoolsThenTheDefaultPorts() {
        KvEventsPorts defaults = new KvEventsPorts(5557, 5558);
        state.upsert(pool(InferencePool.API_V1, "p", Map.of("app", "vllm"), 8000, 8001),
                new KvEventsPorts(6000, null));
        state.upsert(pod("a", Map.of("app", "vllm"), true, false), new KvEventsPorts(7000, 7100));
        state.upsert(pod("bb", Map.of("app", "vllm"), true, false));
        state.upsert(pod("ccc", Map.of("app", "vllm"), false, false), new KvEventsPorts(7000, 7100));

        List<KvEventsTarget> targets = state.kvEventsTargets(defaults);

        // the same endpoints as the scraper's, the i-th target port adding i (vLLM's data-parallel offset)
        assertThat(targets).extracting(KvEventsTarget::endpoint).containsExactlyInAnyOrderElementsOf(
                state.scrapeTargets().stream().map(ScrapeTarget::endpoint).toList());
        assertThat(targets).contains(
                new KvEventsTarget(EndpointId.parse("llm/a:8000"), ResourceKey.of("llm", "p"), "10.0.0.1", 7000, 7100),
                new KvEventsTarget(EndpointId.parse("llm/a:8001"), ResourceKey.of("llm", "p"), "10.0.0.1", 7001, 7101),
                new KvEventsTarget(EndpointId.parse("llm/bb:8000"), ResourceKey.of("llm", "p"), "10.0.0.2", 6000, 5558),
                new KvEventsTarget(EndpointId.parse("llm/bb:8001"), ResourceKey.of("llm", "p"), "10.0.0.2", 6001, 5559));
        assertThat(targets.getFirst().eventsUrl()).startsWith("tcp://10.0.0.");
    }

    @Test
    void anAnnotatedZeroTurnsKvEventsOffAndAZeroReplayPortMeansNoReplays() {
        state.upsert(pool(InferencePool.API_V1, "p", Map.of("app", "vllm"), 8000), new KvEventsPorts(null, 0));
        state.upsert(pod("a", Map.of("app", "vllm"), true, false), new KvEventsPorts(0, null));
        state.upsert(pod("bb", Map.of("app", "vllm"), true, false));

        List<KvEventsTarget> targets = state.kvEventsTargets(new KvEventsPorts(5557, 5558));

        assertThat(targets).containsExactly(new KvEventsTarget(EndpointId.parse("llm/bb:8000"),
                ResourceKey.of("llm", "p"), "10.0.0.2", 5557, 0));
        assertThat(targets.getFirst().replayUrl()).isNull();
        state.delete(Pod.class, null, ResourceKey.of("llm", "bb"));
        assertThat(state.kvEventsTargets(new KvEventsPorts(5557, 5558))).isEmpty();
    }

    @Test
    void annotationsAreReadAsPortsOrOffAndABadValueIsReportedAndUnset() {
        List<String> problems = new java.util.ArrayList<>();
        assertThat(KvEventsPorts.fromAnnotations(Map.of(KvEventsPorts.PORT_ANNOTATION, " 6000 ",
                KvEventsPorts.REPLAY_PORT_ANNOTATION, "OFF"), problems::add)).isEqualTo(new KvEventsPorts(6000, 0));
        assertThat(KvEventsPorts.fromAnnotations(Map.of(KvEventsPorts.PORT_ANNOTATION, "70000",
                KvEventsPorts.REPLAY_PORT_ANNOTATION, "five"), problems::add)).isEqualTo(KvEventsPorts.UNSET);
        assertThat(problems).hasSize(2).allMatch(p -> p.contains("inferrouter.io/kv-events-"));
        assertThat(KvEventsPorts.fromAnnotations(null, problems::add)).isEqualTo(KvEventsPorts.UNSET);
    }

    @Test
    void reconcileTombstonesOnlyOwnedKeysTheClusterNoLongerHas() {
        InferenceModel m = new InferenceModel(ResourceMeta.of("llm", "kept"), "kept", null, List.of(),
                PoolRef.named("p"), List.of(), 1, "test");
        state.upsert(m);
        Map<Topic<String, ?>, Set<ResourceKey>> onTopics = Map.of(Topics.INFERENCE_MODELS,
                Set.of(ResourceKey.parse("llm/kept"), ResourceKey.parse("llm/gone"),
                        ResourceKey.parse("elsewhere/theirs")));
        int sent = state.reconcile(onTopics, key -> key.namespace().equals("llm"));
        assertThat(sent).isEqualTo(1);
        assertThat(out.tombstoned(Topics.INFERENCE_MODELS, "llm/gone")).isTrue();
        assertThat(out.values(Topics.INFERENCE_MODELS, "elsewhere/theirs")).isEmpty();
        assertThat(out.latest(Topics.INFERENCE_MODELS, "llm/kept")).isNotNull();
    }

    @Test
    void republishingAfterStandbySendsTheWholeViewAgain() {
        state.upsert(pool(InferencePool.API_V1, "p", Map.of("app", "vllm"), 8000));
        state.upsert(pod("a", Map.of("app", "vllm"), true, false));
        out.publisher.active(false);
        out.clear();
        out.publisher.active(true);
        state.republish();
        assertThat(out.keys(Topics.INFERENCE_POOLS)).containsExactly("llm/p");
        assertThat(out.keys(Topics.PODS)).containsExactly("llm/a");
    }
}
