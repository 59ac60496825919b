package io.inferrouter.schemas.resources;

import io.inferrouter.schemas.Checks;
import java.util.List;
import java.util.Objects;

/**
 * An HTTPRoute ({@code gateway.networking.k8s.io/v1}), reduced to what routing to InferencePools needs:
 * parent gateways, hostnames, and rules of matches and weighted backend references.
 */
public record HttpRoute(ResourceMeta meta, List<ParentRef> parentRefs, List<String> hostnames, List<Rule> rules,
                        List<String> validationErrors, long observedAtMs, String source)
        implements KubeResource {

    public HttpRoute {
        Objects.requireNonNull(meta, "meta is required");
        parentRefs = Checks.list(parentRefs);
        hostnames = Checks.list(hostnames);
        rules = Checks.list(rules);
        validationErrors = Checks.list(validationErrors);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    public record ParentRef(String group, String kind, String namespace, String name, String sectionName) {
        public ParentRef {
            name = Checks.required(name, "parentRefs[].name");
        }
    }

    /** A rule matches when any of its matches does; no match at all means every request. */
    public record Rule(List<Match> matches, List<BackendRef> backendRefs) {
        public Rule {
            matches = Checks.list(matches);
            backendRefs = Checks.list(backendRefs);
        }
    }

    /** A path match (PathPrefix unless set) and header matches (all must hold). */
    public record Match(PathMatch path, List<HeaderMatch> headers, String method) {
        public Match {
            headers = Checks.list(headers);
        }
    }

    public record PathMatch(String type, String value) {
        public PathMatch {
            type = type == null ? "PathPrefix" : type;
            value = value == null ? "/" : value;
        }
    }

    public record HeaderMatch(String type, String name, String value) {
        public HeaderMatch {
            type = type == null ? "Exact" : type;
            name = Checks.required(name, "headers[].name");
            value = value == null ? "" : value;
        }
    }

    /**
     * A backend: an InferencePool when {@code kind} is InferencePool.
     *
     * @param weight 1 when unset, as Gateway API defaults
     */
    public record BackendRef(String group, String kind, String namespace, String name, Integer port, Integer weight) {
        public BackendRef {
            kind = kind == null ? "Service" : kind;
            name = Checks.required(name, "backendRefs[].name");
            weight = weight == null ? 1 : weight;
            if (weight < 0) {
                throw new IllegalArgumentException("backendRefs[].weight must be >= 0, was " + weight);
            }
        }

        public boolean isInferencePool() {
            return "InferencePool".equals(kind);
        }
    }
}
