package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/** Keeps the endpoints whose queue is at most the threshold, if there are any. */
public final class LowQueueFilter implements Filter {

    public static final String NAME = "low-queue";

    private final int threshold;

    public LowQueueFilter(int threshold) {
        if (threshold < 0) {
            throw new IllegalArgumentException("low-queue threshold must be >= 0, was " + threshold);
        }
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return NAME + ":" + threshold;
    }

    @Override
    public List<Endpoint> filter(SchedulingContext context, List<Endpoint> candidates) {
        List<Endpoint> kept = candidates.stream().filter(e -> context.waitingEstimate(e) <= threshold).toList();
        return kept.isEmpty() ? candidates : kept;
    }
}
