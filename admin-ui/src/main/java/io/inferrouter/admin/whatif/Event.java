package io.inferrouter.admin.whatif;

import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.sim.engine.Engine;

/**
 * What happens at one instant of a replay's virtual clock. Events at the same instant run in
 * {@link #rank()} order, then in the order they were scheduled: a step's end first (its tokens are
 * out), then routing state becoming visible to the gateway, then scrapes (they see the step's
 * result), the warm-up's end, arrivals (decided on everything visible by then), requests reaching
 * their engine, and last the engines planning their next step, so that a request reaching an engine
 * at the instant it plans a step takes part in that step.
 */
sealed interface Event {

    /** A pod's engine step ends: its tokens are handed out. */
    record StepEnd(int pod, Engine.Step step) implements Event {
    }

    /** A scrape of a pod reaches the gateway's table. */
    record MetricsVisible(int pod, EngineReport report) implements Event {
    }

    /** A batch of a pod's KV-cache events reaches the gateway's KV block index. */
    record KvVisible(KvEventsRecord record) implements Event {
    }

    /** state-ingestor scrapes a pod. */
    record Scrape(int pod) implements Event {
    }

    /** The warm-up ends: the measured part starts. */
    record WarmUpEnd() implements Event {
    }

    /** A trace request reaches the gateway and is scheduled. */
    record Arrival(int request) implements Event {
    }

    /** A scheduled request reaches its pod's engine, after the pod's API server ({@code frontendMs}). */
    record Submit(int request, int[] tokens, String lora) implements Event {
    }

    /** A pod's engine plans its next step; {@code generation} tells a stale retry from a current one. */
    record StepStart(int pod, long generation) implements Event {
    }

    /** Order among events of the same instant. */
    default int rank() {
        return switch (this) {
            case StepEnd e -> 0;
            case MetricsVisible e -> 1;
            case KvVisible e -> 2;
            case Scrape e -> 3;
            case WarmUpEnd e -> 4;
            case Arrival e -> 5;
            case Submit e -> 6;
            case StepStart e -> 7;
        };
    }
}
