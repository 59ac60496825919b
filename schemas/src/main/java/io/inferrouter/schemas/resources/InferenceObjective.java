package io.inferrouter.schemas.resources;

import io.inferrouter.schemas.Checks;
import java.util.List;
import java.util.Objects;

/**
 * An InferenceObjective: the priority of requests that name it in the
 * {@code x-gateway-inference-objective} header. Higher is more important; negative is sheddable.
 *
 * @param priority null means 0
 */
public record InferenceObjective(ResourceMeta meta, Integer priority, PoolRef poolRef,
                                 List<String> validationErrors, long observedAtMs, String source)
        implements KubeResource {

    public InferenceObjective {
        Objects.requireNonNull(meta, "meta is required");
        Objects.requireNonNull(poolRef, "poolRef is required");
        validationErrors = Checks.list(validationErrors);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    public int effectivePriority() {
        return priority == null ? 0 : priority;
    }
}
