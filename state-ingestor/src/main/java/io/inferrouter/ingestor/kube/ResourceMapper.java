package io.inferrouter.ingestor.kube;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.EndpointPickerRef;
import io.inferrouter.schemas.resources.FailureMode;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.KubeResource;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.PoolRef;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.resources.TargetModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns Kubernetes objects into the schema records the topics carry, checking them on the way:
 * what is wrong goes into {@code validationErrors} (the routing tables show it), and only an object
 * that cannot be represented at all (no name, no pool reference) is refused with
 * {@link UnmappableResourceException}.
 */
public final class ResourceMapper {

    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern LABEL_KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    private static final List<String> PATH_TYPES = List.of("Exact", "PathPrefix", "RegularExpression");
    private static final List<String> HEADER_TYPES = List.of("Exact", "RegularExpression");

    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    private final String source;

    /** @param source who observes, written into every record (e.g. {@code k8s:state-ingestor-0}) */
    public ResourceMapper(String source) {
        this.source = source;
    }

    /** Maps any supported object by its apiVersion and kind. */
    public KubeResource map(HasMetadata o, long observedAtMs) {
        return map(Kinds.of(o), o, observedAtMs);
    }

    /**
     * Maps an object known to be of {@code kind} (an informer's objects may lack apiVersion and kind,
     * as list items from the API server do).
     */
    public KubeResource map(Kinds kind, HasMetadata o, long observedAtMs) {
        if (kind == Kinds.POD) {
            if (o instanceof io.fabric8.kubernetes.api.model.Pod p) {
                return pod(p, observedAtMs);
            }
            return pod(SERIALIZATION.convertValue(o, io.fabric8.kubernetes.api.model.Pod.class), observedAtMs);
        }
        // Typed models on the classpath (Gateway API's HTTPRoute) are read through the same generic shape.
        GenericKubernetesResource g = o instanceof GenericKubernetesResource generic ? generic
                : SERIALIZATION.convertValue(o, GenericKubernetesResource.class);
        return switch (kind) {
            case INFERENCE_POOL_V1, INFERENCE_POOL_V1ALPHA2 -> pool(kind, g, observedAtMs);
            case INFERENCE_MODEL -> model(g, observedAtMs);
            case INFERENCE_OBJECTIVE -> objective(g, observedAtMs);
            case INFERENCE_MODEL_REWRITE -> rewrite(g, observedAtMs);
            case HTTP_ROUTE -> route(g, observedAtMs);
            case POD -> throw new IllegalStateException("handled above");
        };
    }

    /** An InferencePool of either version, by its own apiVersion. */
    public InferencePool pool(GenericKubernetesResource r, long now) {
        return pool(InferencePool.API_V1.equals(r.getApiVersion()) ? Kinds.INFERENCE_POOL_V1
                : Kinds.INFERENCE_POOL_V1ALPHA2, r, now);
    }

    private InferencePool pool(Kinds kind, GenericKubernetesResource r, long now) {
        List<String> errors = new ArrayList<>();
        Fields spec = spec(r, errors);
        boolean v1 = kind == Kinds.INFERENCE_POOL_V1;
        Map<String, String> selector;
        if (v1) {
            Fields sel = spec.object("selector");
            selector = sel.stringMap("matchLabels");
            if (sel.has("matchExpressions")) {
                errors.add("spec.selector.matchExpressions is not supported by InferencePool; use matchLabels");
            }
        } else {
            selector = spec.stringMap("selector");
        }
        List<Integer> ports = new ArrayList<>();
        if (v1) {
            spec.list("targetPorts").forEach(p -> ports.add(p.integer("number")));
        } else if (spec.has("targetPortNumber")) {
            ports.add(spec.integer("targetPortNumber"));
        }
        ports.removeIf(p -> p == null);
        if (selector.isEmpty()) {
            errors.add("spec.selector must have at least one label");
        }
        selector.forEach((k, v) -> {
            if (!LABEL_KEY.matcher(k).matches() || !LABEL_VALUE.matcher(v).matches()) {
                errors.add("spec.selector has an invalid label " + k + "=" + v);
            }
        });
        if (ports.isEmpty() || ports.size() > 8) {
            errors.add("the pool must have 1-8 target ports, has " + ports.size());
        }
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                errors.add("target port " + p + " is outside 1-65535");
            }
        }
        if (ports.stream().distinct().count() != ports.size()) {
            errors.add("target ports must be distinct, were " + ports);
        }
        String refKey = v1 ? "endpointPickerRef" : "extensionRef";
        EndpointPickerRef picker = null;
        if (spec.has(refKey)) {
            Fields ref = spec.object(refKey);
            Integer port = v1 ? ref.object("port").integer("number") : ref.integer("portNumber");
            if (port != null && (port < 1 || port > 65535)) {
                errors.add("spec." + refKey + " port " + port + " is outside 1-65535");
                port = null;
            }
            if (ref.string("name") == null) {
                errors.add("spec." + refKey + ".name is required");
            }
            picker = new EndpointPickerRef(ref.string("group"), ref.string("kind"), ref.string("name"), port,
                    failureMode(ref.string("failureMode"), errors));
        }
        List<Integer> validPorts = ports.stream().filter(p -> p >= 1 && p <= 65535).distinct().toList();
        return new InferencePool(meta(r), kind.apiVersion(), selector, validPorts, spec.string("appProtocol"), picker,
                errors, now, source);
    }

    public InferenceModel model(GenericKubernetesResource r, long now) {
        List<String> errors = new ArrayList<>();
        Fields spec = spec(r, errors);
        String modelName = spec.string("modelName");
        if (modelName == null || modelName.isBlank()) {
            throw new UnmappableResourceException("InferenceModel " + describe(r) + " has no spec.modelName");
        }
        Criticality criticality = null;
        String c = spec.string("criticality");
        if (c != null) {
            try {
                criticality = Criticality.valueOf(c);
            } catch (IllegalArgumentException e) {
                errors.add("spec.criticality must be Critical, Standard or Sheddable, was " + c);
            }
        }
        List<TargetModel> targets = new ArrayList<>();
        for (Fields t : spec.list("targetModels")) {
            String name = t.string("name");
            Integer weight = t.integer("weight");
            if (name == null || name.isBlank()) {
                errors.add("spec.targetModels[] needs a name");
            } else if (weight != null && (weight < 0 || weight > 1_000_000)) {
                errors.add("spec.targetModels weight " + weight + " of " + name + " is outside 0-1000000");
            } else {
                targets.add(new TargetModel(name, weight));
            }
        }
        long weighted = targets.stream().filter(t -> t.weight() != null).count();
        if (weighted != 0 && weighted != targets.size()) {
            errors.add("spec.targetModels must give a weight to all targets or to none");
        }
        if (targets.stream().map(TargetModel::name).distinct().count() != targets.size()) {
            errors.add("spec.targetModels names must be distinct");
        }
        if (weighted != 0 && targets.stream().allMatch(t -> t.weight() != null && t.weight() == 0)) {
            errors.add("spec.targetModels weights must not all be 0");
        }
        return new InferenceModel(meta(r), modelName, criticality, targets, poolRef(spec, r), errors, now, source);
    }

    public InferenceObjective objective(GenericKubernetesResource r, long now) {
        List<String> errors = new ArrayList<>();
        Fields spec = spec(r, errors);
        return new InferenceObjective(meta(r), spec.integer("priority"), poolRef(spec, r), errors, now, source);
    }

    public InferenceModelRewrite rewrite(GenericKubernetesResource r, long now) {
        List<String> errors = new ArrayList<>();
        Fields spec = spec(r, errors);
        PoolRef pool = spec.has("poolRef") ? poolRef(spec, r) : null;
        List<InferenceModelRewrite.Rule> rules = new ArrayList<>();
        for (Fields rule : spec.list("rules")) {
            List<InferenceModelRewrite.ModelMatch> matches = new ArrayList<>();
            for (Fields m : rule.list("matches")) {
                Fields model = m.object("model");
                String value = model.string("value");
                String type = model.string("type");
                if (value == null || value.isBlank()) {
                    errors.add("spec.rules[].matches[].model.value is required");
                } else if (type != null && !type.equals("Exact")) {
                    errors.add("spec.rules[].matches[].model.type must be Exact, was " + type);
                } else {
                    matches.add(new InferenceModelRewrite.ModelMatch(type, value));
                }
            }
            List<InferenceModelRewrite.Target> targets = new ArrayList<>();
            for (Fields t : rule.list("targets")) {
                String to = t.string("modelRewrite");
                Integer weight = t.integer("weight");
                if (to == null || to.isBlank()) {
                    errors.add("spec.rules[].targets[].modelRewrite is required");
                } else if (weight != null && weight < 0) {
                    errors.add("spec.rules[].targets[].weight must be >= 0");
                } else {
                    targets.add(new InferenceModelRewrite.Target(to, weight));
                }
            }
            long weighted = targets.stream().filter(t -> t.weight() != null).count();
            if (weighted != 0 && weighted != targets.size()) {
                errors.add("spec.rules[].targets must give a weight to all targets or to none");
            }
            if (targets.isEmpty()) {
                errors.add("spec.rules[] needs at least one target");
            }
            rules.add(new InferenceModelRewrite.Rule(matches, targets));
        }
        if (rules.isEmpty()) {
            errors.add("spec.rules must have at least one rule");
        }
        return new InferenceModelRewrite(meta(r), pool, rules, errors, now, source);
    }

    public HttpRoute route(GenericKubernetesResource r, long now) {
        List<String> errors = new ArrayList<>();
        Fields spec = spec(r, errors);
        List<HttpRoute.ParentRef> parents = new ArrayList<>();
        for (Fields p : spec.list("parentRefs")) {
            String name = p.string("name");
            if (name == null) {
                errors.add("spec.parentRefs[].name is required");
            } else {
                parents.add(new HttpRoute.ParentRef(p.string("group"), p.string("kind"), p.string("namespace"), name,
                        p.string("sectionName")));
            }
        }
        List<HttpRoute.Rule> rules = new ArrayList<>();
        for (Fields rule : spec.list("rules")) {
            List<HttpRoute.Match> matches = new ArrayList<>();
            for (Fields m : rule.list("matches")) {
                HttpRoute.PathMatch path = null;
                if (m.has("path")) {
                    String type = m.object("path").string("type");
                    if (type != null && !PATH_TYPES.contains(type)) {
                        errors.add("spec.rules[].matches[].path.type must be one of " + PATH_TYPES + ", was " + type);
                    }
                    path = new HttpRoute.PathMatch(type, m.object("path").string("value"));
                }
                List<HttpRoute.HeaderMatch> headers = new ArrayList<>();
                for (Fields h : m.list("headers")) {
                    String name = h.string("name");
                    String type = h.string("type");
                    if (type != null && !HEADER_TYPES.contains(type)) {
                        errors.add("spec.rules[].matches[].headers[].type must be one of " + HEADER_TYPES + ", was "
                                + type);
                    }
                    if (name == null) {
                        errors.add("spec.rules[].matches[].headers[].name is required");
                    } else {
                        headers.add(new HttpRoute.HeaderMatch(h.string("type"), name, h.string("value")));
                    }
                }
                matches.add(new HttpRoute.Match(path, headers, m.string("method")));
            }
            List<HttpRoute.BackendRef> backends = new ArrayList<>();
            for (Fields b : rule.list("backendRefs")) {
                String name = b.string("name");
                Integer weight = b.integer("weight");
                if (name == null) {
                    errors.add("spec.rules[].backendRefs[].name is required");
                } else if (weight != null && (weight < 0 || weight > 1_000_000)) {
                    errors.add("spec.rules[].backendRefs[].weight must be 0-1000000, was " + weight);
                } else {
                    backends.add(new HttpRoute.BackendRef(b.string("group"), b.string("kind"), b.string("namespace"),
                            name, b.integer("port"), weight));
                }
            }
            rules.add(new HttpRoute.Rule(matches, backends));
        }
        return new HttpRoute(meta(r), parents, spec.strings("hostnames"), rules, errors, now, source);
    }

    public Pod pod(io.fabric8.kubernetes.api.model.Pod p, long now) {
        boolean ready = false;
        String ip = null;
        if (p.getStatus() != null) {
            ip = p.getStatus().getPodIP();
            List<PodCondition> conditions = p.getStatus().getConditions();
            if (conditions != null) {
                ready = conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            }
        }
        List<Integer> ports = new ArrayList<>();
        if (p.getSpec() != null && p.getSpec().getContainers() != null) {
            p.getSpec().getContainers().forEach(c -> {
                if (c.getPorts() != null) {
                    c.getPorts().stream().map(ContainerPort::getContainerPort).filter(x -> x != null).forEach(ports::add);
                }
            });
        }
        return new Pod(meta(p), ip == null || ip.isBlank() ? null : ip, p.getMetadata().getLabels(), ready,
                p.getMetadata().getDeletionTimestamp() != null, ports,
                p.getSpec() == null ? null : p.getSpec().getNodeName(), List.of(), now, source);
    }

    static ResourceMeta meta(HasMetadata o) {
        ObjectMeta m = o.getMetadata();
        if (m == null || m.getName() == null) {
            throw new UnmappableResourceException(o.getKind() + " without metadata.name");
        }
        long created = 0;
        if (m.getCreationTimestamp() != null) {
            try {
                created = Instant.parse(m.getCreationTimestamp()).toEpochMilli();
            } catch (RuntimeException e) {
                created = 0;
            }
        }
        return new ResourceMeta(namespace(o), m.getName(), m.getUid(), m.getResourceVersion(),
                m.getGeneration() == null ? 0 : m.getGeneration(), created);
    }

    private static Fields spec(GenericKubernetesResource r, List<String> errors) {
        Object spec = r.getAdditionalProperties().get("spec");
        if (spec == null) {
            errors.add("spec is missing");
        }
        return new Fields(spec, "spec.", errors);
    }

    private static PoolRef poolRef(Fields spec, GenericKubernetesResource r) {
        Fields ref = spec.object("poolRef");
        String name = ref.string("name");
        if (name == null || name.isBlank()) {
            throw new UnmappableResourceException(r.getKind() + " " + describe(r) + " has no spec.poolRef.name");
        }
        return new PoolRef(ref.string("group"), ref.string("kind"), name);
    }

    private static FailureMode failureMode(String value, List<String> errors) {
        if (value == null) {
            return null;
        }
        try {
            return FailureMode.valueOf(value);
        } catch (IllegalArgumentException e) {
            errors.add("failureMode must be FailOpen or FailClose, was " + value);
            return null;
        }
    }

    /**
     * The key an object is published under; empty when it has no name, or a namespace or name no key can
     * have (then nothing was ever published for it).
     */
    public static Optional<ResourceKey> key(HasMetadata o) {
        if (o.getMetadata() == null || o.getMetadata().getName() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ResourceKey.of(namespace(o), o.getMetadata().getName()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** How logs and errors name an object, whether or not it has a valid key. */
    public static String describe(HasMetadata o) {
        if (o.getMetadata() == null || o.getMetadata().getName() == null) {
            return "(no metadata.name)";
        }
        return key(o).map(ResourceKey::toString)
                .orElseGet(() -> "namespace '" + namespace(o) + "' name '" + o.getMetadata().getName() + "'");
    }

    /** An object without a namespace is in {@code default}, as {@code kubectl apply} would put it. */
    public static String namespace(HasMetadata o) {
        return o.getMetadata().getNamespace() == null ? "default" : o.getMetadata().getNamespace();
    }
}
