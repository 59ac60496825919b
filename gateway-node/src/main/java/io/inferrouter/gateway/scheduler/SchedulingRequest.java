package io.inferrouter.gateway.scheduler;

import java.util.Objects;

/**
 * What the scheduler needs to know about one request, parsed once.
 *
 * @param targetModel the model (or LoRA adapter) the endpoint will be asked for
 * @param prompt      the prompt text (or the concatenated chat messages) used for prefix hashing
 * @param sheddable   low criticality: rejected first when the pool is saturated
 * @param critical    high criticality: never shed
 */
public record SchedulingRequest(String targetModel, String prompt, boolean sheddable, boolean critical) {

    public SchedulingRequest {
        Objects.requireNonNull(targetModel, "targetModel");
        prompt = prompt == null ? "" : prompt;
    }
}
