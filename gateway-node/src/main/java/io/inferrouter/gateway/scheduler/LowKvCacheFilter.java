package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/** Keeps the endpoints whose KV-cache usage is below the threshold, if there are any. */
public final class LowKvCacheFilter implements Filter {

    public static final String NAME = "low-kv-cache";

    private final double threshold;

    public LowKvCacheFilter(double threshold) {
        if (threshold <= 0 || threshold > 1) {
            throw new IllegalArgumentException("low-kv-cache threshold must be in (0, 1], was " + threshold);
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
        List<Endpoint> kept = candidates.stream().filter(e -> e.kvCacheUsage() < threshold).toList();
        return kept.isEmpty() ? candidates : kept;
    }
}
