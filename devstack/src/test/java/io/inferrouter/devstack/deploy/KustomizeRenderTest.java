package io.inferrouter.devstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every overlay under deploy/overlays
 * renders with {@code kubectl kustomize}; every object it renders parses with fabric8 and is of a
 * known kind; every service is there, and its workload has probes, resources and a locked-down
 * security context; only state-ingestor (read-only) and admin-ui (pools and models) may use the API;
 * each overlay points the services at its Kafka.
 */
class KustomizeRenderTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.");
    /** Kinds defined by CRDs that are not ours: Gateway API's HTTPRoute, Strimzi's Kafka and KafkaNodePool. */
    private static final Set<String> EXTERNAL_KINDS = Set.of("gateway.networking.k8s.io/v1/HTTPRoute",
            "kafka.strimzi.io/v1beta2/Kafka", "kafka.strimzi.io/v1beta2/KafkaNodePool");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    /** The workload of every service module, each with its own ServiceAccount. */
    private static final Set<String> SERVICES = Set.of("state-ingestor", "routing-stream", "gateway-node", "admin-ui");
    /** The verbs that only read; state-ingestor holds no other. */
    private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");
    /**
     * Everything admin-ui may do, as verb group/resource: edit InferencePools of both API versions and
     * InferenceModels. Nothing else (no objectives, rewrites, routes, Pods, Secrets, no patch, no *).
     */
    private static final Set<String> ADMIN_UI_GRANTS = grants(
            List.of("get", "create", "update", "delete"),
            List.of("inference.networking.k8s.io/inferencepools", "inference.networking.x-k8s.io/inferencepools",
                    "inference.networking.x-k8s.io/inferencemodels"));

    @BeforeAll
    static void kubectlWithKustomizeV4OrNewer() throws Exception {
        String version = run(List.of("kubectl", "version", "--client"), Path.of("."));
        Matcher m = KUSTOMIZE_VERSION.matcher(version);
        assertThat(m.find() && Integer.parseInt(m.group(1)) >= 4)
                .as("kubectl with Kustomize v4 or newer is needed to render deploy/ (found: %s). Install kubectl 1.21 "
                        + "or newer, e.g. from https://pkgs.k8s.io (Debian bookworm's kubernetes-client is 1.20, whose "
                        + "Kustomize v2 cannot render these overlays)", version.strip())
                .isTrue();
    }

    @Test
    void everyOverlayRendersAndEveryObjectParses() throws Exception {
        List<Path> overlays = directories(DEPLOY.resolve("overlays"));
        assertThat(overlays).extracting(p -> p.getFileName().toString())
                .contains("external-kafka", "strimzi", "examples");
        for (Path overlay : overlays) {
            List<HasMetadata> objects = render(overlay);
            checkRouter(overlay.toString(), objects);
        }
    }

    @Test
    void theExternalKafkaOverlayPointsEveryServiceAtItsBootstrapServers() throws Exception {
        String bootstrap = bootstrapServers(render(DEPLOY.resolve("overlays/external-kafka")));
        assertThat(bootstrap).isNotEqualTo("kafka:9092").contains(":9092");
    }

    @Test
    void theStrimziOverlayRunsKafkaInKraftModeWithADualRoleNodePool() throws Exception {
        List<HasMetadata> objects = render(DEPLOY.resolve("overlays/strimzi"));
        GenericKubernetesResource kafka = single(objects, "Kafka");
        GenericKubernetesResource pool = single(objects, "KafkaNodePool");
        assertThat(kafka.getApiVersion()).isEqualTo("kafka.strimzi.io/v1beta2");
        assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/kraft", "enabled")
                .containsEntry("strimzi.io/node-pools", "enabled");
        assertThat(kafka.getMetadata().getNamespace()).isEqualTo("inference-router");
        assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
        assertThat(pool.<List<String>>get("spec", "roles")).containsExactlyInAnyOrder("controller", "broker");
        assertThat(bootstrapServers(objects)).isEqualTo(kafka.getMetadata().getName() + "-kafka-bootstrap:9092");
    }

    @Test
    void theExamplesOverlayAddsTheExampleResourcesInNamespaceLlm() throws Exception {
        List<HasMetadata> objects = render(DEPLOY.resolve("overlays/examples"));
        List<String> examples = objects.stream().filter(o -> "llm".equals(o.getMetadata().getNamespace()))
                .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
        assertThat(examples).contains("InferencePool/llama", "InferencePool/qwen", "InferenceModel/chat",
                "InferenceObjective/batch", "InferenceModelRewrite/gpt-4o-alias", "HTTPRoute/llm-route");
    }

    /** What every rendering of the router must satisfy. */
    private static void checkRouter(String what, List<HasMetadata> objects) {
        assertThat(objects).as("objects of %s", what).hasSizeGreaterThan(15);
        Set<String> crdKinds = new HashSet<>();
        objects.stream().filter(CustomResourceDefinition.class::isInstance).map(CustomResourceDefinition.class::cast)
                .forEach(crd -> crd.getSpec().getVersions().forEach(v -> crdKinds.add(crd.getSpec().getGroup() + "/"
                        + v.getName() + "/" + crd.getSpec().getNames().getKind())));
        assertThat(crdKinds).hasSize(5);
        for (HasMetadata o : objects) {
            if (o instanceof GenericKubernetesResource g) {
                String kind = g.getApiVersion() + "/" + g.getKind();
                assertThat(crdKinds.contains(kind) || EXTERNAL_KINDS.contains(kind))
                        .as("%s: %s is a known kind", what, kind).isTrue();
            }
            if (!(o instanceof CustomResourceDefinition || o instanceof ClusterRole || o instanceof ClusterRoleBinding
                    || o.getKind().equals("Namespace"))) {
                assertThat(o.getMetadata().getNamespace()).as("%s: namespace of %s %s", what, o.getKind(),
                        o.getMetadata().getName()).isIn("inference-router", "llm");
            }
        }
        assertThat(objects).extracting(HasMetadata::getKind).contains("Deployment", "StatefulSet", "Service",
                "ServiceAccount", "ClusterRole", "Role", "ConfigMap", "PodDisruptionBudget", "HorizontalPodAutoscaler");
        Set<String> workloads = new TreeSet<>();
        objects.stream().filter(o -> o instanceof Deployment || o instanceof StatefulSet)
                .forEach(o -> workloads.add(o.getMetadata().getName()));
        assertThat(workloads).as("%s: the workloads", what).containsExactlyInAnyOrderElementsOf(SERVICES);
        Set<String> configMaps = new HashSet<>();
        objects.stream().filter(ConfigMap.class::isInstance).forEach(c -> configMaps.add(c.getMetadata().getName()));
        List<PodTemplateSpec> templates = new ArrayList<>();
        for (HasMetadata o : objects) {
            PodTemplateSpec t = o instanceof Deployment d ? d.getSpec().getTemplate()
                    : o instanceof StatefulSet s ? s.getSpec().getTemplate() : null;
            if (t == null) {
                continue;
            }
            templates.add(t);
            String name = o.getMetadata().getName();
            assertThat(t.getSpec().getSecurityContext().getRunAsNonRoot()).as("%s runs as non-root", name).isTrue();
            assertThat(objects).as("%s has a PodDisruptionBudget", name).anyMatch(p -> p instanceof PodDisruptionBudget pdb
                    && t.getMetadata().getLabels().entrySet().containsAll(
                            pdb.getSpec().getSelector().getMatchLabels().entrySet()));
            assertThat(objects).as("%s has its ServiceAccount", name).anyMatch(sa -> sa instanceof ServiceAccount
                    && sa.getMetadata().getName().equals(t.getSpec().getServiceAccountName()));
            for (Container c : t.getSpec().getContainers()) {
                assertThat(c.getStartupProbe().getHttpGet().getPath()).as("startup probe of %s", name).isEqualTo("/health");
                assertThat(c.getReadinessProbe().getHttpGet().getPath()).as("readiness probe of %s", name).isEqualTo("/ready");
                assertThat(c.getLivenessProbe().getHttpGet().getPath()).as("liveness probe of %s", name).isEqualTo("/health");
                assertThat(c.getResources().getRequests()).as("requests of %s", name).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as("limits of %s", name).containsKey("memory");
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as("%s read-only root", name).isTrue();
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as("%s escalation", name).isFalse();
                assertThat(c.getImage()).startsWith("ghcr.io/inferrouter/" + name + ":");
                c.getEnvFrom().forEach(e -> assertThat(configMaps).as("ConfigMap of %s", name)
                        .contains(e.getConfigMapRef().getName()));
            }
        }
        for (HasMetadata o : objects) {
            if (o instanceof Service s) {
                assertThat(templates).as("Service %s selects a workload", s.getMetadata().getName()).anyMatch(t ->
                        t.getMetadata().getLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()));
            }
            if (o instanceof HorizontalPodAutoscaler hpa) {
                assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("gateway-node");
                Deployment target = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                        .filter(d -> d.getMetadata().getName().equals("gateway-node")).findFirst().orElseThrow();
                assertThat(target.getSpec().getReplicas()).as("the HPA owns gateway-node's replicas").isNull();
            }
        }
        checkAdminUiFindsRoutingStream(what, objects);
        checkLeastPrivilege(what, objects);
    }

    /** admin-ui's ADMIN_ROUTING_STREAM_URL is the routing-stream Service, at a port it serves. */
    private static void checkAdminUiFindsRoutingStream(String what, List<HasMetadata> objects) {
        Deployment admin = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .filter(d -> d.getMetadata().getName().equals("admin-ui")).findFirst().orElseThrow();
        Container c = admin.getSpec().getTemplate().getSpec().getContainers().get(0);
        URI url = URI.create(c.getEnv().stream().filter(e -> e.getName().equals("ADMIN_ROUTING_STREAM_URL"))
                .map(EnvVar::getValue).findFirst().orElseThrow(() -> new AssertionError(what + ": admin-ui has no "
                        + "ADMIN_ROUTING_STREAM_URL")));
        Service routing = objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> s.getMetadata().getName().equals(url.getHost())).findFirst()
                .orElseThrow(() -> new AssertionError(what + ": ADMIN_ROUTING_STREAM_URL " + url + " names no Service"));
        assertThat(routing.getSpec().getSelector()).as("%s: the Service admin-ui reads", what)
                .containsEntry("app.kubernetes.io/name", "routing-stream");
        assertThat(routing.getSpec().getPorts()).as("%s: ports of %s", what, url.getHost())
                .anyMatch(p -> p.getPort() == url.getPort());
    }

    /**
     * Only state-ingestor and admin-ui are bound to any role. state-ingestor reads its kinds
     * cluster-wide and holds its own Lease; admin-ui may do exactly {@link #ADMIN_UI_GRANTS}; nobody
     * else gets a token or any permission, so routing-stream and gateway-node cannot write anything.
     */
    private static void checkLeastPrivilege(String what, List<HasMetadata> objects) {
        Map<String, Set<String>> clusterGrants = new TreeMap<>();
        for (HasMetadata o : objects) {
            if (o instanceof ClusterRoleBinding b) {
                assertThat(b.getSubjects()).extracting(Subject::getName).as(what)
                        .isSubsetOf("state-ingestor", "admin-ui");
                assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole");
                ClusterRole role = objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
                        .filter(r -> r.getMetadata().getName().equals(b.getRoleRef().getName())).findFirst()
                        .orElseThrow(() -> new AssertionError(what + ": " + b.getMetadata().getName() + " binds "
                                + "a ClusterRole that is not rendered"));
                for (Subject subject : b.getSubjects()) {
                    assertThat(subject.getNamespace()).as("%s: namespace of %s", what, subject.getName())
                            .isEqualTo("inference-router");
                    clusterGrants.computeIfAbsent(subject.getName(), k -> new TreeSet<>()).addAll(grants(role.getRules()));
                }
            }
            if (o instanceof RoleBinding b) {
                assertThat(b.getSubjects()).extracting(Subject::getName).as(what).containsOnly("state-ingestor");
            }
            if (o instanceof ClusterRole r) {
                for (PolicyRule rule : r.getRules()) {
                    assertThat(rule.getVerbs()).as("%s: verbs of %s", what, r.getMetadata().getName()).doesNotContain("*");
                    assertThat(rule.getResources()).as("%s: resources of %s", what, r.getMetadata().getName())
                            .doesNotContain("*");
                    assertThat(rule.getNonResourceURLs()).as("%s: URLs of %s", what, r.getMetadata().getName())
                            .isNullOrEmpty();
                }
            }
            if (o instanceof Role r) {
                assertThat(r.getRules()).flatExtracting(PolicyRule::getResources).containsOnly("leases");
                // fabric8's LeaseLock creates the Lease, reads it and renews it with a JSON merge PATCH.
                assertThat(r.getRules()).flatExtracting(PolicyRule::getVerbs).contains("create", "get", "patch")
                        .doesNotContain("delete", "list", "*");
            }
            if (o instanceof ServiceAccount sa && !Set.of("state-ingestor", "admin-ui").contains(sa.getMetadata().getName())) {
                assertThat(sa.getAutomountServiceAccountToken()).as("%s gets no API token", sa.getMetadata().getName())
                        .isFalse();
            }
        }
        assertThat(clusterGrants).as("%s: who may use the API cluster-wide", what)
                .containsOnlyKeys("state-ingestor", "admin-ui");
        assertThat(clusterGrants.get("state-ingestor")).as("%s: state-ingestor reads only", what)
                .allMatch(g -> READ_VERBS.contains(g.substring(0, g.indexOf(' '))));
        assertThat(clusterGrants.get("state-ingestor")).extracting(g -> g.substring(g.lastIndexOf('/') + 1))
                .as("%s: what state-ingestor reads", what).containsOnly("inferencepools", "inferencemodels",
                        "inferenceobjectives", "inferencemodelrewrites", "httproutes", "pods")
                .contains("inferencepools", "inferencemodels", "inferenceobjectives", "inferencemodelrewrites",
                        "httproutes", "pods");
        assertThat(clusterGrants.get("admin-ui")).as("%s: what admin-ui may do", what)
                .containsExactlyInAnyOrderElementsOf(ADMIN_UI_GRANTS);
        for (HasMetadata o : objects) {
            PodTemplateSpec t = o instanceof Deployment d ? d.getSpec().getTemplate()
                    : o instanceof StatefulSet s ? s.getSpec().getTemplate() : null;
            if (t != null && Set.of("routing-stream", "gateway-node").contains(o.getMetadata().getName())) {
                assertThat(t.getSpec().getAutomountServiceAccountToken()).as("%s: %s mounts no API token", what,
                        o.getMetadata().getName()).isFalse();
            }
            // admin-ui writes as its own ServiceAccount, so its pods need that token.
            if (t != null && o.getMetadata().getName().equals("admin-ui")) {
                assertThat(t.getSpec().getServiceAccountName()).isEqualTo("admin-ui");
                assertThat(t.getSpec().getAutomountServiceAccountToken()).as("%s: admin-ui mounts its token", what)
                        .isNotEqualTo(Boolean.FALSE);
            }
        }
    }

    /** Each rule as "verb group/resource". */
    private static Set<String> grants(List<PolicyRule> rules) {
        Set<String> grants = new TreeSet<>();
        for (PolicyRule rule : rules) {
            assertThat(rule.getResourceNames()).as("cluster-wide rules are not limited to names").isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                List<String> resources = rule.getResources().stream().map(r -> group + "/" + r).toList();
                grants.addAll(grants(rule.getVerbs(), resources));
            }
        }
        return grants;
    }

    private static Set<String> grants(List<String> verbs, List<String> resources) {
        Set<String> grants = new TreeSet<>();
        verbs.forEach(v -> resources.forEach(r -> grants.add(v + " " + r)));
        return grants;
    }

    private static String bootstrapServers(List<HasMetadata> objects) {
        ConfigMap config = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().startsWith("router-config")).findFirst().orElseThrow();
        return config.getData().get("ROUTER_BOOTSTRAP_SERVERS");
    }

    private static GenericKubernetesResource single(List<HasMetadata> objects, String kind) {
        List<GenericKubernetesResource> found = objects.stream().filter(GenericKubernetesResource.class::isInstance)
                .map(GenericKubernetesResource.class::cast).filter(g -> g.getKind().equals(kind)).toList();
        assertThat(found).as("%s objects", kind).hasSize(1);
        return found.get(0);
    }

    private static List<HasMetadata> render(Path kustomization) throws Exception {
        String rendered = run(List.of("kubectl", "kustomize", kustomization.toString()), Path.of("."));
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : rendered.split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                Object parsed = SERIALIZATION.unmarshal(doc);
                assertThat(parsed).as("a Kubernetes object in %s:%n%s", kustomization, doc).isInstanceOf(HasMetadata.class);
                objects.add((HasMetadata) parsed);
            }
        }
        return objects;
    }

    /** Runs a command with a deadline; its stdout, or an assertion failure with its stderr. */
    private static String run(List<String> command, Path dir) throws Exception {
        Path out = Files.createTempFile("kubectl", ".out");
        Path err = Files.createTempFile("kubectl", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError("kubectl is needed to render deploy/ and was not found on the PATH: install "
                        + "kubectl 1.21 or newer (Kustomize v4+; Debian's kubernetes-client 1.20 is too old)", e);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("%s failed: %s", String.join(" ", command), stderr).isZero();
            assertThat(stderr).as("warnings of %s", String.join(" ", command)).doesNotContain("Warning");
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<Path> directories(Path parent) throws IOException {
        try (Stream<Path> list = Files.list(parent)) {
            return list.filter(Files::isDirectory).sorted().toList();
        }
    }
}
