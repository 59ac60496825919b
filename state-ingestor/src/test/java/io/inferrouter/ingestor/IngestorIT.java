package io.inferrouter.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.inferrouter.ingestor.kube.Kinds;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingestor against fabric8's mock API server in CRUD mode, the embedded broker and simulated
 * vLLM pods: records and tombstones for every kind, readiness, scraping (with failing and hanging
 * /metrics), re-listing after a restart, file-source mode, and leader election.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestorIT {

    private KubernetesMockServer server;
    private KubernetesClient client;
    private SimFleet fleet;
    private int simPort;

    @BeforeAll
    void start(KafkaEndpoint kafka) throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        try (ServerSocket s = new ServerSocket(0)) {
            simPort = s.getLocalPort();
        }
        fleet = SimFleet.start(new FleetConfig(3, "127.0.1.20", simPort, SimConfig.defaults().withTimeScale(0.05)
                .withCache(2_000), Map.of()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(Topics.all());
        }
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ing").endMetadata().build()).create();
        create(Kinds.INFERENCE_POOL_V1, "ing", "pool", Map.of("selector", Map.of("matchLabels", Map.of("app", "sim")),
                "targetPorts", List.of(Map.of("number", simPort))));
        for (int i = 0; i < 3; i++) {
            client.pods().inNamespace("ing").resource(pod("sim-" + i, fleet.pod(i).address(), true)).create();
        }
        client.pods().inNamespace("ing").resource(pod("web", "127.0.1.99", true)).create();
    }

    @AfterAll
    void stop() {
        fleet.close();
        client.close();
        server.destroy();
    }

    private IngestorConfig config(KafkaEndpoint kafka, String identity, boolean election) {
        return new IngestorConfig(kafka.bootstrapServers(), "kubernetes", null, List.of("ing"), null, java.util.Set.of(),
                Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofMillis(400), "127.0.0.1", 0, election,
                "ing", identity, Duration.ofSeconds(30), Duration.ofMinutes(5), (short) 1);
    }

    @Test
    void clusterResourcesBecomeRecordsAndDeletesBecomeTombstones(KafkaEndpoint kafka) throws Exception {
        try (StateIngestor ingestor = StateIngestor.start(config(kafka, "solo", false),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), client);
             TopicRecords<InferencePool> pools = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_POOLS);
             TopicRecords<InferenceModel> models = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_MODELS);
             TopicRecords<io.inferrouter.schemas.resources.Pod> pods = new TopicRecords<>(kafka.bootstrapServers(),
                     Topics.PODS)) {
            await().atMost(Duration.ofSeconds(30)).until(ingestor::ready);
            await().atMost(Duration.ofSeconds(10)).until(() -> pools.latest("ing/pool") != null);
            await().until(() -> pods.latest("ing/sim-2") != null);
            assertThat(pods.latest("ing/web")).as("a pod no pool selects is not published").isNull();

            create(Kinds.INFERENCE_MODEL, "ing", "chat", Map.of("modelName", "chat", "poolRef", Map.of("name", "pool")));
            await().until(() -> models.latest("ing/chat") != null);
            GenericKubernetesResource chat = generic(Kinds.INFERENCE_MODEL).inNamespace("ing").withName("chat").get();
            chat.setAdditionalProperty("spec", Map.of("modelName", "chat", "criticality", "Sheddable",
                    "poolRef", Map.of("name", "pool")));
            generic(Kinds.INFERENCE_MODEL).inNamespace("ing").resource(chat).update();
            await().until(() -> models.latest("ing/chat") != null && models.latest("ing/chat").criticality() != null);
            generic(Kinds.INFERENCE_MODEL).inNamespace("ing").withName("chat").delete();
            await().until(() -> models.tombstoned("ing/chat"));

            Pod unready = client.pods().inNamespace("ing").withName("sim-1").get();
            unready.getStatus().getConditions().get(0).setStatus("False");
            client.pods().inNamespace("ing").resource(unready).updateStatus();
            await().until(() -> pods.latest("ing/sim-1") != null && !pods.latest("ing/sim-1").ready());
            await().until(() -> ingestor.scraper().endpoints().size() == 2);
            unready.getStatus().getConditions().get(0).setStatus("True");
            client.pods().inNamespace("ing").resource(unready).updateStatus();
            await().until(() -> ingestor.scraper().endpoints().size() == 3);
        }
    }

    @Test
    void everyEndpointIsScrapedAndFailingOrHangingMetricsArePublishedAsFailures(KafkaEndpoint kafka) throws Exception {
        try (StateIngestor ingestor = StateIngestor.start(config(kafka, "scraper", false),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), client);
             TopicRecords<EndpointMetrics> metrics = new TopicRecords<>(kafka.bootstrapServers(),
                     Topics.ENDPOINT_METRICS)) {
            String ep0 = "ing/sim-0:" + simPort;
            await().atMost(Duration.ofSeconds(30)).until(() -> metrics.latest(ep0) != null && !metrics.latest(ep0).failed());
            assertThat(metrics.latest(ep0).blockSize()).isEqualTo(16);
            assertThat(metrics.latest(ep0).numGpuBlocks()).isEqualTo(2_000);
            fleet.pod(1).faults().metrics(io.inferrouter.sim.api.Faults.MetricsMode.FAIL);
            fleet.pod(2).faults().metrics(io.inferrouter.sim.api.Faults.MetricsMode.HANG);
            try {
                String ep1 = "ing/sim-1:" + simPort;
                String ep2 = "ing/sim-2:" + simPort;
                await().atMost(Duration.ofSeconds(10)).until(() -> metrics.latest(ep1) != null && metrics.latest(ep1).failed());
                assertThat(metrics.latest(ep1).scrapeError()).contains("500");
                await().atMost(Duration.ofSeconds(10)).until(() -> metrics.latest(ep2) != null && metrics.latest(ep2).failed());
                assertThat(metrics.latest(ep2).scrapeError()).contains("timed out");
                assertThat(metrics.latest(ep0).failed()).isFalse();
            } finally {
                fleet.pod(1).faults().clear();
                fleet.pod(2).faults().clear();
            }
        }
    }

    @Test
    void aRestartedIngestorTombstonesWhatWasDeletedWhileItWasDown(KafkaEndpoint kafka) throws Exception {
        create(Kinds.INFERENCE_OBJECTIVE, "ing", "gone", Map.of("priority", 1, "poolRef", Map.of("name", "pool")));
        try (TopicRecords<io.inferrouter.schemas.resources.InferenceObjective> objectives = new TopicRecords<>(
                kafka.bootstrapServers(), Topics.INFERENCE_OBJECTIVES)) {
            try (StateIngestor first = StateIngestor.start(config(kafka, "first", false),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), client)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> objectives.latest("ing/gone") != null);
            }
            generic(Kinds.INFERENCE_OBJECTIVE).inNamespace("ing").withName("gone").delete();
            try (StateIngestor second = StateIngestor.start(config(kafka, "second", false),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), client)) {
                await().atMost(Duration.ofSeconds(30)).until(second::ready);
                await().until(() -> objectives.tombstoned("ing/gone"));
            }
        }
    }

    @Test
    void twoReplicasElectOneLeaderAndOnlyItScrapes(KafkaEndpoint kafka) {
        try (StateIngestor a = StateIngestor.start(config(kafka, "replica-a", true),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), client);
             StateIngestor b = StateIngestor.start(config(kafka, "replica-b", true),
                     new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), client)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> a.leader() ^ b.leader());
            StateIngestor leader = a.leader() ? a : b;
            StateIngestor standby = a.leader() ? b : a;
            await().atMost(Duration.ofSeconds(10)).until(() -> leader.scraper().endpoints().size() == 3);
            assertThat(standby.scraper().endpoints()).isEmpty();
        }
    }

    @Test
    void fileSourceModeReadsEditsAndRemovals(KafkaEndpoint kafka, @TempDir Path dir) throws Exception {
        Path models = dir.resolve("models.yaml");
        Files.writeString(models, model("file-a", "Critical") + "---\n" + model("file-b", "Standard"));
        IngestorConfig files = new IngestorConfig(kafka.bootstrapServers(), "files", null, List.of(), dir,
                java.util.Set.of(), Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofMillis(400), "127.0.0.1", 0,
                false, "default", "files", Duration.ofSeconds(30), Duration.ofMinutes(5), (short) 1);
        try (TopicRecords<InferenceModel> topic = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_MODELS);
             StateIngestor ingestor = StateIngestor.start(files, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null)) {
            await().atMost(Duration.ofSeconds(30)).until(ingestor::ready);
            await().atMost(Duration.ofSeconds(30)).until(() -> topic.latest("files/file-a") != null
                    && topic.latest("files/file-b") != null);
            assertThat(topic.latest("files/file-a").source()).startsWith("file:");
            Files.writeString(models, model("file-a", "Sheddable"));
            await().atMost(Duration.ofSeconds(10)).until(() -> topic.tombstoned("files/file-b"));
            await().until(() -> topic.latest("files/file-a").criticality() == io.inferrouter.schemas.resources.Criticality.Sheddable);
            Files.writeString(models, "this is: [not yaml");
            Files.delete(models);
            await().atMost(Duration.ofSeconds(10)).until(() -> topic.tombstoned("files/file-a"));
        }
    }

    private static String model(String name, String criticality) {
        return """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata:
                  name: %s
                  namespace: files
                spec:
                  modelName: %s
                  criticality: %s
                  poolRef:
                    name: pool
                """.formatted(name, name, criticality);
    }

    private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> generic(Kinds kind) {
        return client.genericKubernetesResources(kind.context());
    }

    private void create(Kinds kind, String ns, String name, Map<String, Object> spec) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(kind.apiVersion());
        r.setKind(kind.kind());
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        r.setAdditionalProperty("spec", spec);
        generic(kind).inNamespace(ns).resource(r).create();
    }

    private Pod pod(String name, String ip, boolean ready) {
        Pod p = new PodBuilder().withNewMetadata().withName(name).withNamespace("ing")
                .withLabels(Map.of("app", name.startsWith("sim") ? "sim" : "web")).endMetadata()
                .withNewSpec().addNewContainer().withName("vllm").withImage("vllm").addNewPort()
                .withContainerPort(simPort).endPort().endContainer().endSpec()
                .withNewStatus().withPodIP(ip).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .endCondition().endStatus().build();
        return p;
    }
}
