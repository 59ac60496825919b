package io.inferrouter.schemas.resources;

import io.inferrouter.schemas.Checks;
import java.util.List;
import java.util.Objects;

/**
 * An InferenceModel ({@code inference.networking.x-k8s.io/v1alpha2}): the model name clients send,
 * its criticality, its traffic split and the pool that serves it. The model name is unique per pool;
 * the oldest object wins and the others get the condition {@code ModelNameInUse}.
 *
 * @param criticality null means Standard
 * @param targetModels empty means the modelName itself is served as is
 */
public record InferenceModel(ResourceMeta meta, String modelName, Criticality criticality,
                             List<TargetModel> targetModels, PoolRef poolRef,
                             List<String> validationErrors, long observedAtMs, String source)
        implements KubeResource {

    public InferenceModel {
        Objects.requireNonNull(meta, "meta is required");
        modelName = Checks.required(modelName, "modelName");
        Objects.requireNonNull(poolRef, "poolRef is required");
        targetModels = Checks.list(targetModels);
        validationErrors = Checks.list(validationErrors);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    public Criticality effectiveCriticality() {
        return criticality == null ? Criticality.Standard : criticality;
    }
}
