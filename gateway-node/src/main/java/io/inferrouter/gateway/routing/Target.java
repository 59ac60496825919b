package io.inferrouter.gateway.routing;

import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.ResourceKey;

/**
 * Where a request goes and how it is treated, once its model, rewrites, routes and objective are resolved.
 *
 * @param pool           the pool
 * @param requestedModel the body's model
 * @param targetModel    the model name sent to the endpoint (after rewrites and traffic splits)
 * @param criticality    from the InferenceModel; Standard when none applies
 * @param objective      the objective named by the request, or null
 * @param priority       the objective's priority (0 when none)
 */
public record Target(ResourceKey pool, String requestedModel, String targetModel, Criticality criticality,
                     String objective, int priority) {

    /** Rejected first when the pool is saturated: Sheddable criticality, or a negative priority. */
    public boolean sheddable() {
        return criticality == Criticality.Sheddable || priority < 0;
    }

    /** Never shed: Critical criticality, or a positive priority. */
    public boolean critical() {
        return criticality == Criticality.Critical || priority > 0;
    }
}
