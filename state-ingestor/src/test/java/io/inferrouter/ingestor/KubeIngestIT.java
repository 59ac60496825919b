package io.inferrouter.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferrouter.ingestor.kube.Kinds;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.metrics.EndpointId;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ingestor against fabric8's mock API server (CRUD mode) and the embedded broker: records and
 * tombstones for every kind, pod readiness and pool membership, and convergence after the ingestor
 * or the API server restarts. Each test works in its own namespace.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubeIngestIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private ApiServer api;

    @BeforeAll
    void start() {
        api = new ApiServer();
    }

    @AfterAll
    void stop() {
        api.close();
    }

    static IngestorConfig config(KafkaEndpoint kafka, String namespace, String identity) {
        return IngestorConfig.of(Map.of("kafka.bootstrap-servers", kafka.bootstrapServers(), "namespaces", namespace,
                "http.port", "0", "identity", identity, "scrape.timeout", "200ms", "scrape.max-backoff", "400ms",
                "sync-timeout", "30s"));
    }

    private StateIngestor start(KafkaEndpoint kafka, String namespace, String identity) {
        return StateIngestor.start(config(kafka, namespace, identity), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                api.client());
    }

    private static Map<String, Object> v1Pool(String app, int... ports) {
        return Map.of("selector", Map.of("matchLabels", Map.of("app", app)), "targetPorts",
                java.util.Arrays.stream(ports).mapToObj(p -> Map.of("number", p)).toList());
    }

    @Test
    void everyKindIsPublishedUpdatedAndTombstoned(KafkaEndpoint kafka) throws Exception {
        String ns = "kinds";
        api.namespace(ns);
        try (StateIngestor ingestor = start(kafka, ns, "kinds");
             TopicRecords<InferencePool> pools = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_POOLS);
             TopicRecords<InferenceModel> models = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_MODELS);
             TopicRecords<InferenceObjective> objectives = new TopicRecords<>(kafka.bootstrapServers(),
                     Topics.INFERENCE_OBJECTIVES);
             TopicRecords<InferenceModelRewrite> rewrites = new TopicRecords<>(kafka.bootstrapServers(),
                     Topics.INFERENCE_MODEL_REWRITES);
             TopicRecords<HttpRoute> routes = new TopicRecords<>(kafka.bootstrapServers(), Topics.HTTP_ROUTES);
             TopicRecords<Pod> pods = new TopicRecords<>(kafka.bootstrapServers(), Topics.PODS)) {
            await().atMost(WAIT).until(ingestor::ready);
            assertThat(get(ingestor, "/ready").statusCode()).isEqualTo(200);

            // InferencePool, both versions under one name: v1 wins, and deletes of either are right.
            api.create(Kinds.INFERENCE_POOL_V1ALPHA2, ns, "llama", Map.of("selector", Map.of("app", "old"),
                    "targetPortNumber", 8000));
            await().atMost(WAIT).until(() -> pools.latest(ns + "/llama") != null);
            assertThat(pools.latest(ns + "/llama").apiVersion()).isEqualTo(InferencePool.API_V1ALPHA2);
            api.update(Kinds.INFERENCE_POOL_V1ALPHA2, ns, "llama", Map.of("selector", Map.of("app", "older"),
                    "targetPortNumber", 9000));
            await().atMost(WAIT).until(() -> pools.latest(ns + "/llama").targetPorts().equals(List.of(9000)));
            assertThat(pools.latest(ns + "/llama").selector()).isEqualTo(Map.of("app", "older"));
            assertThat(pools.latest(ns + "/llama").apiVersion()).isEqualTo(InferencePool.API_V1ALPHA2);
            api.create(Kinds.INFERENCE_POOL_V1, ns, "llama", v1Pool("vllm", 8000));
            await().atMost(WAIT).until(() -> InferencePool.API_V1.equals(pools.latest(ns + "/llama").apiVersion()));
            api.update(Kinds.INFERENCE_POOL_V1, ns, "llama", v1Pool("vllm", 8000, 8001));
            await().atMost(WAIT).until(() -> pools.latest(ns + "/llama").targetPorts().size() == 2);
            api.delete(Kinds.INFERENCE_POOL_V1, ns, "llama");
            await().atMost(WAIT).until(() -> pools.latest(ns + "/llama") != null
                    && InferencePool.API_V1ALPHA2.equals(pools.latest(ns + "/llama").apiVersion()));
            api.delete(Kinds.INFERENCE_POOL_V1ALPHA2, ns, "llama");
            await().atMost(WAIT).until(() -> pools.tombstoned(ns + "/llama"));

            api.create(Kinds.INFERENCE_MODEL, ns, "chat", Map.of("modelName", "chat", "poolRef", Map.of("name", "llama")));
            await().atMost(WAIT).until(() -> models.latest(ns + "/chat") != null);
            api.update(Kinds.INFERENCE_MODEL, ns, "chat", Map.of("modelName", "chat", "criticality", "Sheddable",
                    "poolRef", Map.of("name", "llama"), "targetModels", List.of(Map.of("name", "a", "weight", 1),
                            Map.of("name", "b"))));
            await().atMost(WAIT).until(() -> models.latest(ns + "/chat") != null
                    && models.latest(ns + "/chat").criticality() == Criticality.Sheddable);
            assertThat(models.latest(ns + "/chat").validationErrors())
                    .anyMatch(e -> e.contains("weight to all targets or to none"));
            api.delete(Kinds.INFERENCE_MODEL, ns, "chat");
            await().atMost(WAIT).until(() -> models.tombstoned(ns + "/chat"));

            api.create(Kinds.INFERENCE_OBJECTIVE, ns, "batch", Map.of("priority", -1, "poolRef", Map.of("name", "llama")));
            await().atMost(WAIT).until(() -> objectives.latest(ns + "/batch") != null);
            api.update(Kinds.INFERENCE_OBJECTIVE, ns, "batch", Map.of("priority", 5, "poolRef", Map.of("name", "llama")));
            await().atMost(WAIT).until(() -> objectives.latest(ns + "/batch").effectivePriority() == 5);
            api.delete(Kinds.INFERENCE_OBJECTIVE, ns, "batch");
            await().atMost(WAIT).until(() -> objectives.tombstoned(ns + "/batch"));

            Map<String, Object> rule = Map.of("matches", List.of(Map.of("model", Map.of("type", "Exact", "value", "gpt-4o"))),
                    "targets", List.of(Map.of("modelRewrite", "chat", "weight", 70), Map.of("modelRewrite", "small",
                            "weight", 30)));
            api.create(Kinds.INFERENCE_MODEL_REWRITE, ns, "alias", Map.of("rules", List.of(rule)));
            await().atMost(WAIT).until(() -> rewrites.latest(ns + "/alias") != null);
            api.update(Kinds.INFERENCE_MODEL_REWRITE, ns, "alias", Map.of("poolRef", Map.of("name", "llama"),
                    "rules", List.of(rule)));
            await().atMost(WAIT).until(() -> rewrites.latest(ns + "/alias").poolRef() != null);
            api.delete(Kinds.INFERENCE_MODEL_REWRITE, ns, "alias");
            await().atMost(WAIT).until(() -> rewrites.tombstoned(ns + "/alias"));

            Map<String, Object> backend = Map.of("group", "inference.networking.k8s.io", "kind", "InferencePool",
                    "name", "llama", "weight", 80);
            api.create(Kinds.HTTP_ROUTE, ns, "route", Map.of("parentRefs", List.of(Map.of("name", "gw")), "rules",
                    List.of(Map.of("backendRefs", List.of(backend)))));
            await().atMost(WAIT).until(() -> routes.latest(ns + "/route") != null);
            assertThat(routes.latest(ns + "/route").rules().get(0).backendRefs().get(0).isInferencePool()).isTrue();
            api.update(Kinds.HTTP_ROUTE, ns, "route", Map.of("parentRefs", List.of(Map.of("name", "gw")),
                    "hostnames", List.of("llm.example.com"), "rules", List.of(Map.of("backendRefs", List.of(backend)))));
            await().atMost(WAIT).until(() -> routes.latest(ns + "/route").hostnames().contains("llm.example.com"));
            api.delete(Kinds.HTTP_ROUTE, ns, "route");
            await().atMost(WAIT).until(() -> routes.tombstoned(ns + "/route"));

            api.create(Kinds.INFERENCE_POOL_V1, ns, "qwen", v1Pool("qwen", 8000));
            api.pod(ns, "qwen-0", Map.of("app", "qwen"), "10.1.0.1", 8000, true);
            await().atMost(WAIT).until(() -> pods.latest(ns + "/qwen-0") != null);
            assertThat(pods.latest(ns + "/qwen-0").ip()).isEqualTo("10.1.0.1");
            assertThat(pods.latest(ns + "/qwen-0").containerPorts()).containsExactly(8000);
            api.client().pods().inNamespace(ns).withName("qwen-0").delete();
            await().atMost(WAIT).until(() -> pods.tombstoned(ns + "/qwen-0"));

            assertThat(get(ingestor, "/metrics").body()).contains("ingestor_records_published_total")
                    .contains("ingestor_last_event_age_seconds").contains("ingestor_informer_watching");
        }
    }

    @Test
    void aPodBecomingUnreadyOrRelabelledIsPublishedAndSelectorChangesTombstonePodsNoPoolSelects(KafkaEndpoint kafka) throws Exception {
        String ns = "readiness";
        api.namespace(ns);
        api.create(Kinds.INFERENCE_POOL_V1, ns, "pool", v1Pool("vllm", 8000));
        api.pod(ns, "a", Map.of("app", "vllm"), "10.2.0.1", 8000, true);
        api.pod(ns, "b", Map.of("app", "vllm"), "10.2.0.2", 8000, true);
        api.pod(ns, "web", Map.of("app", "web"), "10.2.0.9", 80, true);
        try (StateIngestor ingestor = start(kafka, ns, "readiness");
             TopicRecords<Pod> pods = new TopicRecords<>(kafka.bootstrapServers(), Topics.PODS)) {
            await().atMost(WAIT).until(() -> pods.latest(ns + "/a") != null && pods.latest(ns + "/b") != null);
            assertThat(pods.values(ns + "/web")).as("a pod no pool selects is not published").isEmpty();
            await().atMost(WAIT).until(() -> ingestor.scrapedEndpoints().size() == 2);

            api.setReady(ns, "a", false);
            await().atMost(WAIT).until(() -> !pods.latest(ns + "/a").ready());
            await().atMost(WAIT).until(() -> ingestor.scrapedEndpoints().equals(java.util.Set.of(EndpointId.parse(ns + "/b:8000"))));
            api.setReady(ns, "a", true);
            await().atMost(WAIT).until(() -> pods.latest(ns + "/a").ready());

            // A relabelled pod leaves the pool: tombstoned, and no longer scraped.
            api.relabel(ns, "b", Map.of("app", "other"));
            await().atMost(WAIT).until(() -> pods.tombstoned(ns + "/b"));
            await().atMost(WAIT).until(() -> ingestor.scrapedEndpoints().equals(java.util.Set.of(EndpointId.parse(ns + "/a:8000"))));
            api.relabel(ns, "b", Map.of("app", "vllm"));
            await().atMost(WAIT).until(() -> pods.latest(ns + "/b") != null);

            api.update(Kinds.INFERENCE_POOL_V1, ns, "pool", v1Pool("web", 80));
            await().atMost(WAIT).until(() -> pods.tombstoned(ns + "/a") && pods.tombstoned(ns + "/b")
                    && pods.latest(ns + "/web") != null);
            await().atMost(WAIT).until(() -> ingestor.scrapedEndpoints().equals(java.util.Set.of(EndpointId.parse(ns + "/web:80"))));
        }
    }

    @Test
    void aRestartedIngestorTombstonesWhatWasDeletedWhileItWasDown(KafkaEndpoint kafka) throws Exception {
        String ns = "restart";
        api.namespace(ns);
        api.create(Kinds.INFERENCE_OBJECTIVE, ns, "gone", Map.of("priority", 1, "poolRef", Map.of("name", "p")));
        api.create(Kinds.INFERENCE_OBJECTIVE, ns, "kept", Map.of("priority", 2, "poolRef", Map.of("name", "p")));
        try (TopicRecords<InferenceObjective> objectives = new TopicRecords<>(kafka.bootstrapServers(),
                Topics.INFERENCE_OBJECTIVES)) {
            try (StateIngestor first = start(kafka, ns, "first")) {
                await().atMost(WAIT).until(() -> objectives.latest(ns + "/gone") != null
                        && objectives.latest(ns + "/kept") != null);
            }
            api.delete(Kinds.INFERENCE_OBJECTIVE, ns, "gone");
            try (StateIngestor second = start(kafka, ns, "second")) {
                await().atMost(WAIT).until(second::ready);
                await().atMost(WAIT).until(() -> objectives.tombstoned(ns + "/gone"));
                assertThat(objectives.values(ns + "/kept")).as("an unchanged object is not tombstoned").doesNotContainNull();
            }
        }
    }

    @Test
    void aReListAfterTheApiServerRestartsTombstonesWhatWentMeanwhile(KafkaEndpoint kafka) throws Exception {
        String ns = "relist";
        Map<String, Object> kept = Map.of("modelName", "kept", "poolRef", Map.of("name", "p"));
        try (ApiServer restarting = new ApiServer()) {
            restarting.namespace(ns);
            restarting.create(Kinds.INFERENCE_MODEL, ns, "gone", Map.of("modelName", "gone", "poolRef", Map.of("name", "p")));
            restarting.create(Kinds.INFERENCE_MODEL, ns, "kept", kept);
            try (KubernetesClient client = restarting.newClient();
                 StateIngestor ingestor = StateIngestor.start(config(kafka, ns, "relist"),
                         new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), client);
                 TopicRecords<InferenceModel> models = new TopicRecords<>(kafka.bootstrapServers(),
                         Topics.INFERENCE_MODELS)) {
                await().atMost(WAIT).until(() -> ingestor.ready() && models.latest(ns + "/gone") != null
                        && models.latest(ns + "/kept") != null);
                // The API server restarts; "gone" was deleted while no watch could see it.
                restarting.stop();
                restarting.restartEmpty();
                try (KubernetesClient seed = restarting.seedClient()) {
                    seed.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                            .withName(ns).endMetadata().build()).create();
                    GenericKubernetesResource r = new GenericKubernetesResource();
                    r.setApiVersion(Kinds.INFERENCE_MODEL.apiVersion());
                    r.setKind(Kinds.INFERENCE_MODEL.kind());
                    r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("kept").withNamespace(ns)
                            .build());
                    r.setAdditionalProperty("spec", kept);
                    seed.genericKubernetesResources(Kinds.INFERENCE_MODEL.context()).inNamespace(ns).resource(r).create();
                }
                restarting.open();
                await().atMost(WAIT).until(() -> models.tombstoned(ns + "/gone"));
                assertThat(models.latest(ns + "/kept")).isNotNull();
                await().atMost(WAIT).until(ingestor::ready);
            }
        }
    }

    private static HttpResponse<String> get(StateIngestor ingestor, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestor.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
