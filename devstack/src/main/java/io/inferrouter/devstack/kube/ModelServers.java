package io.inferrouter.devstack.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real model servers for the mock Kubernetes API: each {@code --model-server [NAMESPACE/]POOL=IP}
 * becomes a Ready Pod with that IP, labelled with the pool's selector, so the ingestor scrapes it
 * and the gateway routes to it exactly as to a pod of a real cluster. The server must listen on
 * the pool's target port(s), as a pod would.
 */
public final class ModelServers {

    private static final Logger LOG = LoggerFactory.getLogger(ModelServers.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String DEFAULT_NAMESPACE = "llm";
    private static final ResourceDefinitionContext POOL_V1 = new ResourceDefinitionContext.Builder()
            .withGroup("inference.networking.k8s.io").withVersion("v1").withPlural("inferencepools")
            .withKind("InferencePool").withNamespaced(true).build();
    private static final ResourceDefinitionContext POOL_V1ALPHA2 = new ResourceDefinitionContext.Builder()
            .withGroup("inference.networking.x-k8s.io").withVersion("v1alpha2").withPlural("inferencepools")
            .withKind("InferencePool").withNamespaced(true).build();

    /** One {@code --model-server} flag: a model server at {@code address} in pool {@code pool}. */
    public record Spec(ResourceKey pool, String address) {

        public Spec {
            Objects.requireNonNull(pool, "--model-server needs a pool name: [NAMESPACE/]POOL=IP");
            if (address == null || !IPV4.matcher(address).matches()) {
                throw new IllegalArgumentException("--model-server " + pool + "=" + address
                        + ": the address must be an IPv4 address (it becomes the pod IP the gateway connects to)");
            }
        }

        /** Parses {@code [NAMESPACE/]POOL=IP}; the namespace defaults to the examples' {@code llm}. */
        public static Spec parse(String text) {
            int eq = text.indexOf('=');
            String pool = eq <= 0 ? "" : text.substring(0, eq).trim();
            if (pool.isEmpty()) {
                throw new IllegalArgumentException("--model-server must be [NAMESPACE/]POOL=IP, was '" + text + "'");
            }
            ResourceKey key;
            try {
                key = pool.indexOf('/') >= 0 ? ResourceKey.parse(pool) : ResourceKey.of(DEFAULT_NAMESPACE, pool);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--model-server must be [NAMESPACE/]POOL=IP, was '" + text + "'", e);
            }
            return new Spec(key, text.substring(eq + 1).trim());
        }
    }

    /** A registered server: its pod's name and the ports the pool will send to. */
    public record Registered(Spec spec, String podName, List<Integer> ports) {
    }

    private ModelServers() {
    }

    /**
     * Creates a Ready Pod for every spec, in the pool's namespace with the pool's selector labels.
     *
     * @throws IllegalArgumentException when a named pool is not in the API (neither version), or its
     *                                  selector cannot be turned into labels
     */
    public static List<Registered> register(KubernetesClient client, List<Spec> specs) {
        List<Registered> registered = new ArrayList<>();
        Map<ResourceKey, Integer> perPool = new LinkedHashMap<>();
        for (Spec spec : specs) {
            PoolShape pool = poolShape(client, spec);
            int n = perPool.merge(spec.pool(), 1, Integer::sum) - 1;
            String name = spec.pool().name() + "-model-server-" + n;
            Map<String, String> labels = new LinkedHashMap<>(pool.selector());
            labels.putIfAbsent("inference.networking.k8s.io/engine-type", "vllm");
            PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(spec.pool().namespace())
                    .withLabels(labels).endMetadata();
            var container = pod.withNewSpec().addNewContainer().withName("model-server").withImage("external");
            for (int port : pool.ports()) {
                container.addNewPort().withContainerPort(port).endPort();
            }
            Pod created = client.pods().inNamespace(spec.pool().namespace()).resource(container.endContainer().endSpec().build())
                    .create();
            created.setStatus(new PodStatusBuilder().withPodIP(spec.address()).withPhase("Running")
                    .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
            client.pods().inNamespace(spec.pool().namespace()).resource(created).updateStatus();
            LOG.info("model server registered pool={} pod={} address={} ports={}", spec.pool(), name,
                    spec.address(), pool.ports());
            registered.add(new Registered(spec, name, pool.ports()));
        }
        return registered;
    }

    private record PoolShape(Map<String, String> selector, List<Integer> ports) {
    }

    @SuppressWarnings("unchecked")
    private static PoolShape poolShape(KubernetesClient client, Spec spec) {
        GenericKubernetesResource v1 = client.genericKubernetesResources(POOL_V1).inNamespace(spec.pool().namespace())
                .withName(spec.pool().name()).get();
        if (v1 != null) {
            Map<String, Object> s = (Map<String, Object>) v1.getAdditionalProperties().getOrDefault("spec", Map.of());
            Map<String, Object> selector = (Map<String, Object>) s.getOrDefault("selector", Map.of());
            List<Integer> ports = new ArrayList<>();
            for (Object p : (List<Object>) s.getOrDefault("targetPorts", List.of())) {
                ports.add(((Number) ((Map<String, Object>) p).get("number")).intValue());
            }
            return shape(spec, (Map<String, Object>) selector.getOrDefault("matchLabels", Map.of()), ports);
        }
        GenericKubernetesResource old = client.genericKubernetesResources(POOL_V1ALPHA2).inNamespace(spec.pool().namespace())
                .withName(spec.pool().name()).get();
        if (old != null) {
            Map<String, Object> s = (Map<String, Object>) old.getAdditionalProperties().getOrDefault("spec", Map.of());
            Object port = s.get("targetPortNumber");
            return shape(spec, (Map<String, Object>) s.getOrDefault("selector", Map.of()),
                    port instanceof Number n ? List.of(n.intValue()) : List.of());
        }
        throw new IllegalArgumentException("--model-server " + spec.pool() + "=" + spec.address()
                + ": no InferencePool " + spec.pool() + " in the seeded manifests (--manifests)");
    }

    private static PoolShape shape(Spec spec, Map<String, Object> selector, List<Integer> ports) {
        if (selector.isEmpty() || ports.isEmpty()) {
            throw new IllegalArgumentException("--model-server " + spec.pool() + ": the pool has no selector labels"
                    + " or no target port, so no pod can join it");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        selector.forEach((k, v) -> labels.put(k, String.valueOf(v)));
        return new PoolShape(labels, List.copyOf(ports));
    }
}
