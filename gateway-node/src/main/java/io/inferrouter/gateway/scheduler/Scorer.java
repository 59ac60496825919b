package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/**
 * Scores every candidate of one request between 0 (worst) and 1 (best). The scheduler multiplies
 * each score by the scorer's configured weight and sums them. Implementations are thread-safe; they
 * may keep state (the prefix-cache index does) but must not block.
 */
public interface Scorer {

    /** Name used in configuration and in decision events. */
    String name();

    /** Scores in the order of {@code candidates}. */
    double[] score(SchedulingContext context, List<Endpoint> candidates);

    /** Told which endpoint was picked, for scorers that learn from routing (the prefix index). */
    default void onPicked(SchedulingContext context, Endpoint picked) {
    }
}
