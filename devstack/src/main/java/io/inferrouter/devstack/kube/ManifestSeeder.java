package io.inferrouter.devstack.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Applies YAML manifests (multi-document files, or directories of them) to an API server:
 * namespaces and CRDs first, then everything else. Custom resources are created through their
 * group/version/plural, so they do not depend on API discovery. Pods keep the status written in the
 * manifest (IP, Ready), which is how the devstack's pods point at simulated model servers.
 */
public final class ManifestSeeder {

    private final KubernetesClient client;

    public ManifestSeeder(KubernetesClient client) {
        this.client = client;
    }

    /** @return how many objects were created */
    public int apply(List<Path> sources) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Path source : sources) {
            for (Path file : yamlFiles(source)) {
                try (InputStream in = Files.newInputStream(file)) {
                    objects.addAll(client.load(in).items());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read manifest " + file, e);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("manifest " + file + " is not valid Kubernetes YAML: "
                            + e.getMessage(), e);
                }
            }
        }
        objects.sort(Comparator.comparingInt(ManifestSeeder::order));
        for (HasMetadata o : objects) {
            create(o);
        }
        return objects.size();
    }

    private void create(HasMetadata o) {
        try {
            if (o instanceof GenericKubernetesResource g) {
                client.genericKubernetesResources(context(g)).resource(g).create();
            } else if (o instanceof Pod pod) {
                var status = pod.getStatus();
                Pod created = client.pods().inNamespace(namespace(pod)).resource(pod).create();
                if (status != null) {
                    created.setStatus(status);
                    client.pods().inNamespace(namespace(pod)).resource(created).updateStatus();
                }
            } else {
                client.resource(o).create();
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot create " + o.getKind() + " " + o.getMetadata().getName() + ": "
                    + e.getMessage(), e);
        }
    }

    private static String namespace(HasMetadata o) {
        return o.getMetadata().getNamespace() == null ? "default" : o.getMetadata().getNamespace();
    }

    /** Group, version and plural of a custom resource, by Kubernetes' naming convention for the plural. */
    static ResourceDefinitionContext context(GenericKubernetesResource g) {
        String apiVersion = g.getApiVersion();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(g.getKind())
                .withPlural(plural(g.getKind())).withNamespaced(g.getMetadata().getNamespace() != null).build();
    }

    static String plural(String kind) {
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.endsWith("y")) {
            return k.substring(0, k.length() - 1) + "ies";
        }
        if (k.endsWith("s")) {
            return k + "es";
        }
        return k + "s";
    }

    private static int order(HasMetadata o) {
        if (o instanceof Namespace) {
            return 0;
        }
        if (o instanceof CustomResourceDefinition) {
            return 1;
        }
        return 2;
    }

    private static List<Path> yamlFiles(Path source) {
        if (Files.isRegularFile(source)) {
            return List.of(source);
        }
        if (!Files.isDirectory(source)) {
            throw new IllegalArgumentException("manifest source " + source.toAbsolutePath() + " does not exist");
        }
        try (Stream<Path> walk = Files.walk(source)) {
            // kustomization.yaml files describe how to build the manifests; they are not objects.
            return walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.getFileName().toString().startsWith("kustomization."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list manifests in " + source, e);
        }
    }
}
