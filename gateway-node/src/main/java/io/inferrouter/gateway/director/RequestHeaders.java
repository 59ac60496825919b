package io.inferrouter.gateway.director;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A request's headers as the director reads them: the HTTP adapter's view of its server's headers,
 * so the director needs no server types. Names are case-insensitive.
 */
public interface RequestHeaders {

    /** Names the InferenceObjective whose priority applies (GIE's header). */
    String OBJECTIVE = "x-gateway-inference-objective";
    /** Who the request is for, recorded in the decision (GIE's header). */
    String FAIRNESS_ID = "x-gateway-inference-fairness-id";
    /** Picks a scheduler profile, when {@code scheduler.allow-profile-header} is on. */
    String PROFILE = "x-gateway-scheduler-profile";

    /** The first value of the header, or null. */
    String first(String name);

    /** Every header with all its values, in the order received. */
    void forEach(BiConsumer<String, List<String>> action);
}
