package io.inferrouter.schemas.resources;

import io.inferrouter.schemas.Checks;
import java.util.List;
import java.util.Objects;

/**
 * An InferenceModelRewrite: requests whose {@code model} matches a rule are sent to one of the
 * rule's targets, chosen by weight, with the body's model rewritten.
 */
public record InferenceModelRewrite(ResourceMeta meta, PoolRef poolRef, List<Rule> rules,
                                    List<String> validationErrors, long observedAtMs, String source)
        implements KubeResource {

    public InferenceModelRewrite {
        Objects.requireNonNull(meta, "meta is required");
        rules = Checks.list(rules);
        validationErrors = Checks.list(validationErrors);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    /** One rule: any of its matches selects its targets. */
    public record Rule(List<ModelMatch> matches, List<Target> targets) {
        public Rule {
            matches = Checks.list(matches);
            targets = Checks.list(targets);
        }
    }

    /** {@code matches[].model}: {@code type} is Exact unless set. */
    public record ModelMatch(String type, String value) {
        public ModelMatch {
            type = type == null ? "Exact" : type;
            value = Checks.required(value, "matches[].model.value");
        }
    }

    /** {@code targets[]}: the model name to send instead, with a relative weight (null = equal split). */
    public record Target(String modelRewrite, Integer weight) {
        public Target {
            modelRewrite = Checks.required(modelRewrite, "targets[].modelRewrite");
            if (weight != null && weight < 0) {
                throw new IllegalArgumentException("targets[].weight must be >= 0, was " + weight);
            }
        }
    }
}
