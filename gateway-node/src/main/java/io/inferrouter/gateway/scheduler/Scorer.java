package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/**
 * Scores every candidate of one request between 0 (worst) and 1 (best). The scheduler multiplies
 * each score by the scorer's configured weight and sums them. Implementations are thread-safe; they
 * may keep state (the prefix-cache index does) but must not block. What a scorer computes per request
 * and needs again later (in {@link #onServed}) goes in the context's cycle state.
 */
public interface Scorer {

    /** Name used in configuration and in decision events. */
    String name();

    /** Scores in the order of {@code candidates}. */
    double[] score(SchedulingContext context, List<Endpoint> candidates);

    /**
     * Told which endpoint served the request: the one whose answer the client gets, after the proxy's
     * retries (not necessarily the scheduler's first choice), as soon as its response head arrived.
     * Not called when no endpoint answered. For scorers that learn from routing (the prefix index).
     * Runs on the request thread: must not block.
     */
    default void onServed(SchedulingContext context, Endpoint served) {
    }
}
