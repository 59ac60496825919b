package io.inferrouter.gateway.director;

import io.inferrouter.gateway.decisions.DecisionRecorder;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.routing.Target;
import io.inferrouter.gateway.scheduler.SaturationDetector;
import io.inferrouter.gateway.scheduler.SchedulingContext;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tables.Tables;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.resources.FailureMode;

/**
 * Whether a routed request may be scheduled. Tables without Kafka contact for longer than
 * {@code tables.staleness} leave it to the pool's failure mode: FailClose refuses (503), FailOpen lets
 * the request through to any endpoint without scheduling. With fresh tables, a sheddable request to
 * a saturated pool is refused (429); Standard and Critical requests never are.
 */
final class Admission {

    /** What an admitted request gets. */
    enum Verdict {
        /** Ranked by the profile's scheduler. */
        SCHEDULE,
        /** Stale tables and a FailOpen pool: any endpoint, in random order. */
        FAIL_OPEN
    }

    private final Tables tables;
    private final long tableStalenessMs;
    private final SaturationDetector saturation;
    private final GatewayMetrics metrics;

    Admission(Tables tables, long tableStalenessMs, SaturationDetector saturation, GatewayMetrics metrics) {
        this.tables = tables;
        this.tableStalenessMs = tableStalenessMs;
        this.saturation = saturation;
        this.metrics = metrics;
    }

    /**
     * Checks the cycle's pool, on the load the cycle reads, and records the saturation check in the
     * draft (for every request: it explains a 429, and why a request was not shed).
     *
     * @throws GatewayException 503 {@code tables_stale} (FailClose), 429 (shed)
     */
    Verdict admit(SchedulingContext cycle, Target target, DecisionRecorder.Draft draft) {
        PoolSnapshot pool = cycle.pool();
        long nowMs = cycle.nowMs();
        if (nowMs - tables.lastContactMs() > tableStalenessMs) {
            if (pool.failureMode() == FailureMode.FailClose) {
                throw GatewayException.unavailable("tables_stale", "the routing tables for pool " + pool.key()
                        + " are stale (Kafka out of reach) and the pool fails closed");
            }
            return Verdict.FAIL_OPEN;
        }
        boolean saturated = saturation.saturated(cycle);
        draft.saturation(new RoutingDecision.Saturation(saturated, saturation.queueThreshold(),
                saturation.kvCacheThreshold(), saturation.stalenessMs()));
        if (target.sheddable() && saturated) {
            draft.fixLoads();
            metrics.shed(pool.key());
            throw GatewayException.shed("pool " + pool.key() + " is saturated and the request is sheddable; "
                    + "retry later");
        }
        return Verdict.SCHEDULE;
    }
}
