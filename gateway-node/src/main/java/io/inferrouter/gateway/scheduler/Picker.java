package io.inferrouter.gateway.scheduler;

/**
 * Orders the scored candidates: the first is the pick, the next ones are the fallbacks a retry
 * uses. Implementations are thread-safe.
 */
public interface Picker {

    /** Name used in configuration and in decision events. */
    String name();

    /**
     * @param totals the weighted total score of each candidate
     * @return candidate indexes, best first; a permutation of {@code 0..totals.length-1}
     */
    int[] rank(double[] totals);
}
