package io.inferrouter.ingestor.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Optional;

/** The resource kinds the ingestor watches, with the group, version and plural to watch them by. */
public enum Kinds {
    INFERENCE_POOL_V1("inference.networking.k8s.io", "v1", "InferencePool", "inferencepools"),
    INFERENCE_POOL_V1ALPHA2("inference.networking.x-k8s.io", "v1alpha2", "InferencePool", "inferencepools"),
    INFERENCE_MODEL("inference.networking.x-k8s.io", "v1alpha2", "InferenceModel", "inferencemodels"),
    INFERENCE_OBJECTIVE("inference.networking.x-k8s.io", "v1alpha2", "InferenceObjective", "inferenceobjectives"),
    INFERENCE_MODEL_REWRITE("inference.networking.x-k8s.io", "v1alpha2", "InferenceModelRewrite",
            "inferencemodelrewrites"),
    HTTP_ROUTE("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"),
    POD("", "v1", "Pod", "pods");

    private final String group;
    private final String version;
    private final String kind;
    private final String plural;

    Kinds(String group, String version, String kind, String plural) {
        this.group = group;
        this.version = version;
        this.kind = kind;
        this.plural = plural;
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String kind() {
        return kind;
    }

    public ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    public String plural() {
        return plural;
    }

    /** @throws UnmappableResourceException for a kind the ingestor does not handle */
    public static Kinds of(HasMetadata o) {
        return find(o).orElseThrow(() -> new UnmappableResourceException("unsupported resource " + o.getApiVersion()
                + " " + o.getKind()));
    }

    /** The kind of {@code o}, empty for a kind the ingestor does not read (Namespaces, Deployments, ...). */
    public static Optional<Kinds> find(HasMetadata o) {
        for (Kinds k : values()) {
            if (k.kind.equals(o.getKind()) && k.apiVersion().equals(o.getApiVersion())) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The label used in metrics and logs: the kind, with the version for the two InferencePool versions. */
    public String label() {
        return this == INFERENCE_POOL_V1 || this == INFERENCE_POOL_V1ALPHA2 ? kind + "/" + version : kind;
    }
}
