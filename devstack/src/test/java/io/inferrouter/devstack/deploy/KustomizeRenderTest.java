package io.inferrouter.devstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every overlay under deploy/overlays renders with kubectl kustomize, and every object it renders parses. */
class KustomizeRenderTest {

    private static final Path OVERLAYS = Path.of("..", "deploy", "overlays");

    @Test
    void everyOverlayRendersAndEveryObjectParses() throws Exception {
        List<Path> overlays;
        try (Stream<Path> list = Files.list(OVERLAYS)) {
            overlays = list.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(overlays).extracting(p -> p.getFileName().toString())
                .contains("external-kafka", "strimzi", "examples");
        KubernetesSerialization yaml = new KubernetesSerialization();
        for (Path overlay : overlays) {
            String rendered = kustomize(overlay);
            List<HasMetadata> objects = new ArrayList<>();
            for (String doc : rendered.split("(?m)^---\\s*$")) {
                if (!doc.isBlank()) {
                    objects.add(yaml.unmarshal(doc));
                }
            }
            assertThat(objects).as("objects of %s", overlay).hasSizeGreaterThan(15);
            List<String> kinds = objects.stream().map(HasMetadata::getKind).toList();
            assertThat(kinds).contains("CustomResourceDefinition", "Deployment", "StatefulSet", "Service",
                    "ServiceAccount", "ClusterRole", "PodDisruptionBudget", "HorizontalPodAutoscaler");
            for (HasMetadata o : objects) {
                PodSpec spec = o instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
                        : o instanceof StatefulSet s ? s.getSpec().getTemplate().getSpec() : null;
                if (spec != null) {
                    spec.getContainers().forEach(c -> {
                        assertThat(c.getReadinessProbe()).as("readiness probe of %s", o.getMetadata().getName()).isNotNull();
                        assertThat(c.getLivenessProbe()).as("liveness probe of %s", o.getMetadata().getName()).isNotNull();
                        assertThat(c.getResources().getRequests()).isNotEmpty();
                    });
                }
            }
        }
    }

    private static String kustomize(Path overlay) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is needed to render deploy/: install it (apt-get install kubernetes-client); "
                    + ".ci/run does", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize %s: %s", overlay, err).isZero();
        return out;
    }
}
