package io.inferrouter.devstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.inferrouter.devstack.kube.KubeApi;
import io.inferrouter.ingestor.IngestorConfig;
import io.inferrouter.ingestor.StateIngestor;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.support.TopicSetup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRDs and examples under deploy/ load into fabric8's mock API server (CRUD mode) and read back as
 * written, and state-ingestor, watching that API server, publishes every example to Kafka. (That the
 * gateway then routes by them is DevstackE2EIT's end-to-end check.)
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ExamplesLoadIT {

    private static final Path DEPLOY = Path.of("..", "deploy");

    @Test
    void theCrdsExamplesAndPodsReadBackAsWritten() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient client = server.createClient()) {
            Map<String, ResourceDefinitionContext> kinds = new HashMap<>();
            for (HasMetadata o : load(client, DEPLOY.resolve("crds"))) {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                        .resource((CustomResourceDefinition) o).create();
                kinds.put(crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName() + "/"
                        + crd.getSpec().getNames().getKind(), CustomResourceDefinitionContext.fromCrd(crd));
            }
            kinds.put("gateway.networking.k8s.io/v1/HTTPRoute", new ResourceDefinitionContext.Builder()
                    .withGroup("gateway.networking.k8s.io").withVersion("v1").withKind("HTTPRoute").withPlural("httproutes")
                    .withNamespaced(true).build());
            for (HasMetadata o : load(client, DEPLOY.resolve("examples"))) {
                if (o instanceof GenericKubernetesResource g) {
                    ResourceDefinitionContext kind = kinds.get(g.getApiVersion() + "/" + g.getKind());
                    assertThat(kind).as("a CRD for %s %s", g.getApiVersion(), g.getKind()).isNotNull();
                    client.genericKubernetesResources(kind).inNamespace(g.getMetadata().getNamespace()).resource(g).create();
                } else {
                    client.resource(o).create();
                }
            }
            for (HasMetadata o : load(client, DEPLOY.resolve("compose"))) {
                Pod pod = (Pod) o;
                Pod created = client.pods().inNamespace("llm").resource(pod).create();
                created.setStatus(pod.getStatus());
                client.pods().inNamespace("llm").resource(created).updateStatus();
            }

            assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems()).hasSize(5);
            List<GenericKubernetesResource> v1Pools = list(client, kinds, "inference.networking.k8s.io/v1/InferencePool");
            assertThat(v1Pools).extracting(r -> r.getMetadata().getName()).containsExactly("llama");
            assertThat(v1Pools.get(0).<Integer>get("spec", "targetPorts", 0, "number")).isEqualTo(8000);
            assertThat(v1Pools.get(0).<String>get("spec", "selector", "matchLabels", "app")).isEqualTo("vllm-llama");
            assertThat(v1Pools.get(0).<String>get("spec", "endpointPickerRef", "failureMode")).isEqualTo("FailOpen");
            List<GenericKubernetesResource> oldPools = list(client, kinds, "inference.networking.x-k8s.io/v1alpha2/InferencePool");
            assertThat(oldPools).extracting(r -> r.getMetadata().getName()).containsExactly("qwen");
            assertThat(oldPools.get(0).<Integer>get("spec", "targetPortNumber")).isEqualTo(8000);
            assertThat(oldPools.get(0).<String>get("spec", "selector", "app")).isEqualTo("vllm-qwen");

            List<GenericKubernetesResource> models = list(client, kinds, "inference.networking.x-k8s.io/v1alpha2/InferenceModel");
            assertThat(models).hasSize(6);
            Map<String, Long> byCriticality = new TreeMap<>();
            models.forEach(m -> byCriticality.merge(Objects.requireNonNullElse(m.<String>get("spec", "criticality"),
                    "Standard"), 1L, Long::sum));
            assertThat(byCriticality).containsEntry("Critical", 1L).containsEntry("Standard", 3L)
                    .containsEntry("Sheddable", 2L);
            GenericKubernetesResource chat = named(models, "chat");
            assertThat(chat.<Integer>get("spec", "targetModels", 0, "weight")).isEqualTo(90);
            assertThat(chat.<Integer>get("spec", "targetModels", 1, "weight")).isEqualTo(10);
            assertThat(named(models, "sql").<String>get("spec", "modelName")).endsWith("-lora");
            assertThat(named(models, "tweet-summary").<String>get("spec", "targetModels", 0, "name"))
                    .isEqualTo("tweet-summary-lora");

            List<GenericKubernetesResource> objectives = list(client, kinds,
                    "inference.networking.x-k8s.io/v1alpha2/InferenceObjective");
            assertThat(objectives).extracting(o -> o.<Integer>get("spec", "priority")).containsExactlyInAnyOrder(-10, 100);
            List<GenericKubernetesResource> rewrites = list(client, kinds,
                    "inference.networking.x-k8s.io/v1alpha2/InferenceModelRewrite");
            assertThat(rewrites).hasSize(3);
            GenericKubernetesResource gpt = named(rewrites, "gpt-4o-alias");
            assertThat(gpt.<String>get("spec", "rules", 0, "matches", 0, "model", "value")).isEqualTo("gpt-4o");
            assertThat(gpt.<Integer>get("spec", "rules", 0, "targets", 0, "weight")).isEqualTo(70);
            assertThat(gpt.<Integer>get("spec", "rules", 0, "targets", 1, "weight")).isEqualTo(30);

            List<GenericKubernetesResource> routes = list(client, kinds, "gateway.networking.k8s.io/v1/HTTPRoute");
            assertThat(routes).hasSize(1);
            assertThat(routes.get(0).<String>get("spec", "rules", 0, "matches", 0, "headers", 0, "name")).isEqualTo("x-pool");
            assertThat(routes.get(0).<Integer>get("spec", "rules", 1, "backendRefs", 0, "weight")).isEqualTo(80);
            assertThat(routes.get(0).<Integer>get("spec", "rules", 1, "backendRefs", 1, "weight")).isEqualTo(20);

            List<Pod> pods = client.pods().inNamespace("llm").list().getItems();
            assertThat(pods).hasSize(4).allSatisfy(p -> {
                assertThat(p.getStatus().getPodIP()).startsWith("172.28.0.");
                assertThat(p.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready")
                        && c.getStatus().equals("True"));
            });
        } finally {
            server.destroy();
        }
    }

    private static List<HasMetadata> load(KubernetesClient client, Path dir) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> !p.getFileName().toString().startsWith("kustomization.")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    objects.addAll(client.load(in).items());
                }
            }
        }
        return objects;
    }

    private static List<GenericKubernetesResource> list(KubernetesClient client, Map<String, ResourceDefinitionContext> kinds,
                                                        String kind) {
        return client.genericKubernetesResources(kinds.get(kind)).inNamespace("llm").list().getItems();
    }

    private static GenericKubernetesResource named(List<GenericKubernetesResource> items, String name) {
        return items.stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " among " + items.size() + " items"));
    }

    @Test
    void theCrdsAndExamplesLoadAndTheIngestorPicksThemUp(KafkaEndpoint kafka, @TempDir Path dir) {
        TopicSetup.ensure(kafka.bootstrapServers(), (short) 1, Duration.ofSeconds(30), Topics.all());
        try (KubeApi api = KubeApi.start("127.0.0.1", 0, dir, List.of(DEPLOY.resolve("crds"), DEPLOY.resolve("examples"),
                DEPLOY.resolve("compose")));
             KubernetesClient client = api.newClient()) {
            assertThat(client.resources(CustomResourceDefinition.class).list().getItems()).hasSize(5);
            IngestorConfig config = IngestorConfig.of(Map.of("kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "kubeconfig", api.kubeconfig().toString(), "scrape.interval", "1s", "scrape.timeout", "200ms",
                    "scrape.max-backoff", "1s", "http.port", "0", "identity", "examples-it", "sync-timeout", "30s",
                    "resync", "5m"));
            try (StateIngestor ingestor = StateIngestor.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    null)) {
                await().atMost(Duration.ofSeconds(60)).until(ingestor::ready);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(keys(kafka, Topics.INFERENCE_POOLS)).contains("llm/llama", "llm/qwen");
                    assertThat(keys(kafka, Topics.INFERENCE_MODELS)).containsExactlyInAnyOrder("llm/llama", "llm/chat",
                            "llm/sql", "llm/tweet-summary", "llm/batch-summaries", "llm/qwen");
                    assertThat(keys(kafka, Topics.INFERENCE_OBJECTIVES)).containsExactlyInAnyOrder("llm/batch",
                            "llm/interactive");
                    assertThat(keys(kafka, Topics.INFERENCE_MODEL_REWRITES)).containsExactlyInAnyOrder(
                            "llm/gpt-4o-alias", "llm/assistant-llama", "llm/assistant-qwen");
                    assertThat(keys(kafka, Topics.HTTP_ROUTES)).containsExactly("llm/llm-route");
                    assertThat(keys(kafka, Topics.PODS)).containsExactlyInAnyOrder("llm/vllm-llama-0",
                            "llm/vllm-llama-1", "llm/vllm-llama-2", "llm/vllm-qwen-0");
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
