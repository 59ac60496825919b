package io.inferrouter.admin.resources;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.inferrouter.admin.api.AdminException;
import io.inferrouter.schemas.resources.ResourceKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edits of InferencePools and InferenceModels, written to the Kubernetes API, the source of truth:
 * the change reaches the routing tables the way every change does (state-ingestor, Kafka,
 * routing-stream). An update replaces only the fields the UI owns and keeps the rest of the object;
 * it carries the stored resourceVersion, so a concurrent edit is a 409, not a lost update.
 */
public final class KubeResources {

    private static final Logger LOG = LoggerFactory.getLogger(KubeResources.class);

    static final ResourceDefinitionContext MODEL = context("inference.networking.x-k8s.io", "v1alpha2",
            "inferencemodels", "InferenceModel");
    static final ResourceDefinitionContext POOL_V1 = context("inference.networking.k8s.io", "v1", "inferencepools",
            "InferencePool");
    static final ResourceDefinitionContext POOL_V1ALPHA2 = context("inference.networking.x-k8s.io", "v1alpha2",
            "inferencepools", "InferencePool");

    private final KubernetesClient client;
    private final MeterRegistry registry;

    public KubeResources(KubernetesClient client, MeterRegistry registry) {
        this.client = client;
        this.registry = registry;
    }

    /** The stored object, as the API returns it. */
    public GenericKubernetesResource getModel(ResourceKey key) {
        return found(call(() -> stored(MODEL, key)), "InferenceModel", key);
    }

    /** The stored pool: the v1 object, else the v1alpha2 one. */
    public GenericKubernetesResource getPool(ResourceKey key) {
        GenericKubernetesResource v1 = call(() -> stored(POOL_V1, key));
        if (v1 != null) {
            return v1;
        }
        return found(call(() -> stored(POOL_V1ALPHA2, key)), "InferencePool", key);
    }

    /**
     * Creates or updates an InferenceModel; returns the stored object and whether it was created.
     *
     * @param resourceVersion the version the edit was made from; required to update, absent to create
     */
    public Written putModel(ResourceKey key, ResourceEdits.ModelEdit edit, String resourceVersion) {
        GenericKubernetesResource existing = call(() -> stored(MODEL, key));
        checkVersion(existing, resourceVersion, "InferenceModel", key);
        Map<String, Object> spec = spec(existing);
        spec.put("modelName", edit.modelName());
        putOrRemove(spec, "criticality", edit.criticality());
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("group", "inference.networking.k8s.io");
        ref.put("kind", "InferencePool");
        ref.put("name", edit.poolName());
        spec.put("poolRef", ref);
        putOrRemove(spec, "targetModels", edit.targetModels().isEmpty() ? null : edit.targetModels());
        return write(MODEL, key, existing, spec, "InferenceModel");
    }

    /**
     * Creates or updates an InferencePool. A pool stored only as v1alpha2 is updated in that version
     * (one port, {@code extensionRef}); otherwise the v1 object is written.
     */
    public Written putPool(ResourceKey key, ResourceEdits.PoolEdit edit, String resourceVersion) {
        GenericKubernetesResource v1 = call(() -> stored(POOL_V1, key));
        GenericKubernetesResource old = v1 != null ? null : call(() -> stored(POOL_V1ALPHA2, key));
        if (old != null && edit.targetPorts().size() != 1) {
            throw AdminException.badRequest("pool " + key + " is a v1alpha2 InferencePool, which"
                    + " has one target port; give one port, or recreate it as v1");
        }
        checkVersion(v1 != null ? v1 : old, resourceVersion, "InferencePool", key);
        if (old != null) {
            Map<String, Object> spec = spec(old);
            spec.put("selector", new LinkedHashMap<>(edit.selector()));
            spec.put("targetPortNumber", edit.targetPorts().get(0));
            if (edit.failureMode() != null) {
                Map<String, Object> ext = new LinkedHashMap<>(map(spec.get("extensionRef")));
                ext.putIfAbsent("name", edit.endpointPicker());
                ext.putIfAbsent("portNumber", edit.endpointPickerPort());
                ext.put("failureMode", edit.failureMode());
                spec.put("extensionRef", ext);
            }
            return write(POOL_V1ALPHA2, key, old, spec, "InferencePool");
        }
        Map<String, Object> spec = spec(v1);
        spec.put("selector", Map.of("matchLabels", new LinkedHashMap<>(edit.selector())));
        List<Map<String, Object>> ports = new ArrayList<>();
        edit.targetPorts().forEach(p -> ports.add(Map.of("number", p)));
        spec.put("targetPorts", ports);
        if (edit.failureMode() != null) {
            Map<String, Object> picker = new LinkedHashMap<>(map(spec.get("endpointPickerRef")));
            picker.putIfAbsent("name", edit.endpointPicker());
            picker.putIfAbsent("port", Map.of("number", edit.endpointPickerPort()));
            picker.put("failureMode", edit.failureMode());
            spec.put("endpointPickerRef", picker);
        }
        return write(POOL_V1, key, v1, spec, "InferencePool");
    }

    public void deleteModel(ResourceKey key) {
        getModel(key);
        call(() -> resource(MODEL, key).delete());
        count("InferenceModel", "delete");
        LOG.info("resource deleted kind=InferenceModel key={}", key);
    }

    /** Deletes the pool in every API version it is stored in. */
    public void deletePool(ResourceKey key) {
        getPool(key);
        for (ResourceDefinitionContext c : List.of(POOL_V1, POOL_V1ALPHA2)) {
            call(() -> resource(c, key).delete());
        }
        count("InferencePool", "delete");
        LOG.info("resource deleted kind=InferencePool key={}", key);
    }

    /**
     * Optimistic concurrency: an update names the version it was made from, and the API server
     * refuses it (409) if the object changed since; a create names none.
     */
    private static void checkVersion(GenericKubernetesResource stored, String resourceVersion, String kind,
                                     ResourceKey key) {
        if (stored == null) {
            if (resourceVersion != null) {
                throw new AdminException(409, "conflict", kind + " " + key + " was deleted after"
                        + " version " + resourceVersion + " was read; reload");
            }
            return;
        }
        if (resourceVersion == null) {
            throw new AdminException(428, "precondition_required", kind + " " + key + " exists:"
                    + " send the resourceVersion you edited (GET it first) so that a concurrent edit is not lost");
        }
        if (!resourceVersion.equals(stored.getMetadata().getResourceVersion())) {
            throw new AdminException(409, "conflict", kind + " " + key + " changed since version "
                    + resourceVersion + " (now " + stored.getMetadata().getResourceVersion() + "); reload and retry");
        }
    }

    /** A write's result. */
    public record Written(GenericKubernetesResource object, boolean created) {
    }

    private Written write(ResourceDefinitionContext c, ResourceKey key, GenericKubernetesResource existing,
                          Map<String, Object> spec, String kind) {
        GenericKubernetesResource object = existing != null ? existing : new GenericKubernetesResource();
        if (existing == null) {
            object.setApiVersion(c.getGroup() + "/" + c.getVersion());
            object.setKind(c.getKind());
            object.setMetadata(new ObjectMetaBuilder().withNamespace(key.namespace()).withName(key.name()).build());
        }
        object.setAdditionalProperty("spec", spec);
        GenericKubernetesResource stored = call(() -> existing == null
                ? client.genericKubernetesResources(c).inNamespace(key.namespace()).resource(object).create()
                : client.genericKubernetesResources(c).inNamespace(key.namespace()).resource(object).update());
        count(kind, existing == null ? "create" : "update");
        LOG.info("resource written kind={} key={} op={}", kind, key, existing == null ? "create" : "update");
        return new Written(stored, existing == null);
    }

    private void count(String kind, String op) {
        Counter.builder("admin_resource_writes").description("edits written to the Kubernetes API")
                .tag("kind", kind).tag("op", op).register(registry).increment();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource r) {
        if (r == null) {
            return new LinkedHashMap<>();
        }
        return new LinkedHashMap<>(map(r.getAdditionalProperties().get("spec")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static void putOrRemove(Map<String, Object> spec, String key, Object value) {
        if (value == null) {
            spec.remove(key);
        } else {
            spec.put(key, value);
        }
    }

    private static GenericKubernetesResource found(GenericKubernetesResource r, String kind, ResourceKey key) {
        if (r == null) {
            throw AdminException.notFound("no " + kind + " " + key + " in the Kubernetes API");
        }
        return r;
    }

    private Resource<GenericKubernetesResource> resource(ResourceDefinitionContext c, ResourceKey key) {
        return client.genericKubernetesResources(c).inNamespace(key.namespace()).withName(key.name());
    }

    /** The stored object, or null when there is none. */
    private GenericKubernetesResource stored(ResourceDefinitionContext c, ResourceKey key) {
        return resource(c, key).get();
    }

    private interface Call<T> {
        T run();
    }

    /** Kubernetes API failures in words an operator can act on, with the API's own status where it fits. */
    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (KubernetesClientException e) {
            int code = e.getCode();
            String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                    : e.getMessage();
            if (code == 409) {
                throw new AdminException(409, "conflict", "the object changed while it was edited; reload and retry ("
                        + reason + ")", e);
            }
            if (code == 403 || code == 401) {
                throw new AdminException(403, "forbidden", "the Kubernetes API refused admin-ui's credentials: "
                        + reason + " (check its ServiceAccount's RBAC)", e);
            }
            if (code == 404) {
                throw new AdminException(404, "not_found", "the Kubernetes API does not serve this kind (are the CRDs"
                        + " installed?): " + reason, e);
            }
            if (code == 422 || code == 400) {
                throw new AdminException(422, "invalid", "the Kubernetes API rejected the object: " + reason, e);
            }
            throw new AdminException(502, "kubernetes_unavailable", "the Kubernetes API failed: " + reason, e);
        }
    }

    private static ResourceDefinitionContext context(String group, String version, String plural, String kind) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                .withKind(kind).withNamespaced(true).build();
    }
}
