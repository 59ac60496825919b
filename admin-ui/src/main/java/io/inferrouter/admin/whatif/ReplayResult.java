package io.inferrouter.admin.whatif;

import java.util.List;

/**
 * One profile's replay of a trace window: latency percentiles, the fleet's prefix-cache hit rate and
 * per-pod load over the measured part (after the warm-up), every request's outcome, and how fast
 * the replay ran.
 *
 * @param profile        the scheduler profile replayed
 * @param requests       requests in the trace
 * @param measured       of those, requests after the warm-up
 * @param failed         measured requests that failed (too long for the pods, a model they do not serve)
 * @param ttftMs         time to first token of the measured requests that succeeded
 * @param tpotMs         time per output token after the first
 * @param e2eMs          end-to-end latency
 * @param prefixHitRate  prompt tokens found in the pods' prefix caches over tokens looked up, summed
 *                       over the pods (the engines' counters, as the benchmarks report them); NaN
 *                       when nothing was looked up
 * @param preemptions    requests the pods preempted
 * @param pods           per-pod load, in pod order
 * @param outcomes       every request, in trace order (warm-up included, marked)
 * @param virtualSeconds virtual time from the first arrival to the last request's end
 * @param wallSeconds    wall time the replay took
 */
public record ReplayResult(String profile, int requests, int measured, int failed, LatencySummary ttftMs,
                           LatencySummary tpotMs, LatencySummary e2eMs, double prefixHitRate, long preemptions,
                           List<PodLoad> pods, List<RequestOutcome> outcomes, double virtualSeconds,
                           double wallSeconds) {

    public ReplayResult {
        pods = List.copyOf(pods);
        outcomes = List.copyOf(outcomes);
    }

    /** Virtual seconds replayed per wall second. */
    public double speed() {
        return wallSeconds <= 0 ? Double.POSITIVE_INFINITY : virtualSeconds / wallSeconds;
    }
}
