package io.inferrouter.sim.engine;

import java.util.List;

/**
 * What the engine exposes as metrics, as of the end of the last step.
 *
 * @param prefixQueries cumulative prompt tokens looked up in the prefix cache
 * @param prefixHits    cumulative prompt tokens found there
 */
public record EngineStats(int running, int waiting, double kvUsage, List<String> loraRunning, List<String> loraWaiting,
                          long prefixQueries, long prefixHits, long preemptions, long steps) {
}
