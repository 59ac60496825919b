package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tokens.PromptForm;
import java.util.Objects;

/**
 * What the scheduler needs to know about one request, parsed once.
 *
 * @param targetModel the model (or LoRA adapter) the endpoint will be asked for
 * @param prompt      the prompt text (or the concatenated chat messages) used for prefix hashing
 * @param promptForm  what the prompt text was made from: it decides whether a tokenizer can give its ids
 * @param promptCut   true when {@code prompt} is only the start of the request's prompt (kept up to a cap)
 * @param sheddable   low criticality: rejected first when the pool is saturated
 * @param critical    high criticality: never shed
 */
public record SchedulingRequest(String targetModel, String prompt, PromptForm promptForm, boolean promptCut,
                                boolean sheddable, boolean critical) {

    public SchedulingRequest {
        Objects.requireNonNull(targetModel, "targetModel");
        prompt = prompt == null ? "" : prompt;
        Objects.requireNonNull(promptForm, "promptForm");
    }

    /** A request whose prompt is one whole string. */
    public SchedulingRequest(String targetModel, String prompt, boolean sheddable, boolean critical) {
        this(targetModel, prompt, PromptForm.TEXT, false, sheddable, critical);
    }
}
