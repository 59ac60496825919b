package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/**
 * Narrows the candidate endpoints of one request. A filter that would leave nothing returns its
 * input unchanged: filters express preferences, and an empty pool is the saturation detector's
 * business, not theirs. Implementations are stateless and thread-safe.
 */
public interface Filter {

    /** Name used in configuration and in decision events. */
    String name();

    /** The filter as configured ({@code name[:parameter]}), as a profile names it. */
    default String describe() {
        return name();
    }

    List<Endpoint> filter(SchedulingContext context, List<Endpoint> candidates);
}
