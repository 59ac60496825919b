package io.inferrouter.schemas.resources;

import io.inferrouter.schemas.Checks;

/**
 * One target of an InferenceModel's traffic split: a model version or LoRA adapter name served by the pool.
 *
 * @param weight relative weight; either every target of a model has one or none has (then equal split)
 */
public record TargetModel(String name, Integer weight) {

    public TargetModel {
        name = Checks.required(name, "targetModels[].name");
        if (weight != null && (weight < 0 || weight > 1_000_000)) {
            throw new IllegalArgumentException("targetModels[].weight must be 0-1000000, was " + weight);
        }
    }
}
