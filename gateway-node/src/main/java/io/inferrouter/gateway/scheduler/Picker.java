package io.inferrouter.gateway.scheduler;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Orders the scored candidates: the first is the pick, the next ones are the fallbacks a retry
 * uses. A picker's order is a pure function of the totals and a per-request seed, drawn once per
 * request by {@link #nextSeed()} and recorded with the decision, so a recorded decision's tie-breaks
 * can be reproduced exactly. Implementations are thread-safe.
 */
public interface Picker {

    /** Name used in configuration and in decision events. */
    String name();

    /** A new request's seed: random unless the picker's order depends on the request's turn. */
    default long nextSeed() {
        return ThreadLocalRandom.current().nextLong();
    }

    /**
     * @param totals the weighted total score of each candidate
     * @param seed   the request's seed: the same totals and seed give the same order
     * @return candidate indexes, best first; a permutation of {@code 0..totals.length-1}
     */
    int[] rank(double[] totals, long seed);
}
