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
