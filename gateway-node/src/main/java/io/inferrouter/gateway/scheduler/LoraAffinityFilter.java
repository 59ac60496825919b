package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/**
 * Keeps the endpoints with the best LoRA affinity for the requested adapter (running it, else room
 * to load it, else waiting for it); all of them when none has any.
 */
public final class LoraAffinityFilter implements Filter {

    public static final String NAME = "lora-affinity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Endpoint> filter(SchedulingContext context, List<Endpoint> candidates) {
        String adapter = context.request().targetModel();
        double best = 0;
        for (Endpoint e : candidates) {
            best = Math.max(best, LoraAffinityScorer.affinity(e, adapter));
        }
        if (best == 0) {
            return candidates;
        }
        double top = best;
        return candidates.stream().filter(e -> LoraAffinityScorer.affinity(e, adapter) == top).toList();
    }
}
