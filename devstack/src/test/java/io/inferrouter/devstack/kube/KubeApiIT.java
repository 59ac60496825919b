package io.inferrouter.devstack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeApiIT {

    private static final Path SEED = Path.of("src", "test", "resources", "seed");

    @Test
    void seededResourcesAreServedThroughTheWrittenKubeconfig(@TempDir Path dir) throws Exception {
        try (KubeApi api = KubeApi.start("127.0.0.1", 0, dir, List.of(SEED));
             KubernetesClient client = new KubernetesClientBuilder()
                     .withConfig(Config.fromKubeconfig(Files.readString(api.kubeconfig()))).build()) {
            Pod pod = client.pods().inNamespace("llm").withName("llama-0").get();
            assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.1.1");
            assertThat(pod.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready")
                    && c.getStatus().equals("True"));
            List<GenericKubernetesResource> pools = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                    .withGroup("inference.networking.k8s.io").withVersion("v1").withPlural("inferencepools")
                    .withKind("InferencePool").withNamespaced(true).build()).inNamespace("llm").list().getItems();
            assertThat(pools).extracting(p -> p.getMetadata().getName()).containsExactly("llama");
            assertThat(client.genericKubernetesResources(ManifestSeeder.context(new GenericKubernetesResource() {
                {
                    setApiVersion("gateway.networking.k8s.io/v1");
                    setKind("HTTPRoute");
                    setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace("llm").build());
                }
            })).inNamespace("llm").list().getItems()).hasSize(1);
        }
    }

    @Test
    void aModelServerBecomesAReadyPodWithThePoolsSelectorAndPorts(@TempDir Path dir) {
        try (KubeApi api = KubeApi.start("127.0.0.1", 0, dir, List.of(Path.of("..", "deploy", "examples")));
             KubernetesClient client = api.newClient()) {
            List<ModelServers.Registered> servers = ModelServers.register(client, List.of(
                    ModelServers.Spec.parse("llama=10.9.0.1"), ModelServers.Spec.parse("llama=10.9.0.2"),
                    ModelServers.Spec.parse("llm/qwen=10.9.0.3")));
            assertThat(servers).extracting(ModelServers.Registered::podName)
                    .containsExactly("llama-model-server-0", "llama-model-server-1", "qwen-model-server-0");
            Pod v1Member = client.pods().inNamespace("llm").withName("llama-model-server-1").get();
            assertThat(v1Member.getMetadata().getLabels()).containsEntry("app", "vllm-llama");
            assertThat(v1Member.getStatus().getPodIP()).isEqualTo("10.9.0.2");
            assertThat(v1Member.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready")
                    && c.getStatus().equals("True"));
            assertThat(v1Member.getSpec().getContainers().get(0).getPorts()).extracting(p -> p.getContainerPort())
                    .containsExactly(8000);
            Pod v1alpha2Member = client.pods().inNamespace("llm").withName("qwen-model-server-0").get();
            assertThat(v1alpha2Member.getMetadata().getLabels()).containsEntry("app", "vllm-qwen");
            assertThatThrownBy(() -> ModelServers.register(client, List.of(ModelServers.Spec.parse("nope=10.9.0.9"))))
                    .hasMessageContaining("no InferencePool llm/nope");
        }
    }

    @Test
    void aMissingManifestDirectoryIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> KubeApi.start("127.0.0.1", 0, dir, List.of(dir.resolve("nope"))))
                .hasMessageContaining("does not exist");
    }

    @Test
    void pluralsFollowKubernetesNaming() {
        assertThat(ManifestSeeder.plural("InferencePool")).isEqualTo("inferencepools");
        assertThat(ManifestSeeder.plural("HTTPRoute")).isEqualTo("httproutes");
        assertThat(ManifestSeeder.plural("Policy")).isEqualTo("policies");
    }
}
