package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;

/**
 * A pool is saturated when no endpoint has capacity: fresh metrics, a queue below the threshold
 * and KV-cache usage below the threshold (GIE's defaults: queue 5, KV 0.8, metrics at most 200 ms
 * old). Sheddable requests to a saturated pool are rejected with 429.
 */
public final class SaturationDetector {

    private final int queueThreshold;
    private final double kvCacheThreshold;
    private final long stalenessMs;

    public SaturationDetector(int queueThreshold, double kvCacheThreshold, long stalenessMs) {
        if (queueThreshold < 1) {
            throw new IllegalArgumentException("saturation queue threshold must be >= 1, was " + queueThreshold);
        }
        if (kvCacheThreshold <= 0 || kvCacheThreshold > 1) {
            throw new IllegalArgumentException("saturation kv-cache threshold must be in (0, 1], was " + kvCacheThreshold);
        }
        if (stalenessMs < 1) {
            throw new IllegalArgumentException("metrics staleness must be >= 1 ms, was " + stalenessMs);
        }
        this.queueThreshold = queueThreshold;
        this.kvCacheThreshold = kvCacheThreshold;
        this.stalenessMs = stalenessMs;
    }

    public long stalenessMs() {
        return stalenessMs;
    }

    public int queueThreshold() {
        return queueThreshold;
    }

    public double kvCacheThreshold() {
        return kvCacheThreshold;
    }

    /** Whether the cycle's pool is saturated, on the load the cycle reads (and records). */
    public boolean saturated(SchedulingContext context) {
        for (Endpoint e : context.pool().endpoints()) {
            if (hasCapacity(e, context.nowMs(), context.waitingEstimate(e))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the pool is saturated now, on the live load counters. */
    public boolean saturated(PoolSnapshot pool, long nowMs) {
        for (Endpoint e : pool.endpoints()) {
            if (hasCapacity(e, nowMs, e.waitingEstimate())) {
                return false;
            }
        }
        return true;
    }

    boolean hasCapacity(Endpoint e, long nowMs, int waiting) {
        return e.metricsAgeMs(nowMs) <= stalenessMs
                && waiting < queueThreshold
                && e.kvCacheUsage() < kvCacheThreshold;
    }
}
