package io.inferrouter.admin.whatif;

/**
 * How one simulated pod was loaded over a replay's measured part (after the warm-up): what the
 * scheduler sent it and what its engine did. Means are over virtual time; the engine's running and
 * waiting counts are those its metrics expose.
 *
 * @param pod           the pod's name ({@code pod-0}, ...), as its endpoint id names it
 * @param requests      measured requests the scheduler sent it
 * @param meanRunning   time-weighted mean of requests in its running batch
 * @param meanWaiting   time-weighted mean of requests waiting in its engine
 * @param busyShare     share of the time its engine was running a step, 0..1
 * @param prefixQueries prompt tokens looked up in its prefix cache
 * @param prefixHits    of those, tokens found there
 * @param preemptions   requests it preempted
 */
public record PodLoad(String pod, int requests, double meanRunning, double meanWaiting, double busyShare,
                      long prefixQueries, long prefixHits, long preemptions) {

    /** Hit tokens over queried tokens, NaN when nothing was queried. */
    public double hitRate() {
        return prefixQueries == 0 ? Double.NaN : (double) prefixHits / prefixQueries;
    }
}
