package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/**
 * Prefers endpoints that already serve the requested adapter: 1.0 when it is running there, 0.8
 * when there is a free LoRA slot to load it, 0.6 when it is waiting there, else 0.
 */
public final class LoraAffinityScorer implements Scorer {

    public static final String NAME = "lora-affinity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double[] score(SchedulingContext context, List<Endpoint> candidates) {
        String adapter = context.request().targetModel();
        double[] scores = new double[candidates.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = affinity(candidates.get(i), adapter);
        }
        return scores;
    }

    static double affinity(Endpoint e, String adapter) {
        if (e.loraRunning().contains(adapter)) {
            return 1.0;
        }
        int loaded = e.loraRunning().size() + (int) e.loraWaiting().stream()
                .filter(a -> !e.loraRunning().contains(a)).count();
        if (e.maxLora() > 0 && loaded < e.maxLora()) {
            return 0.8;
        }
        if (e.loraWaiting().contains(adapter)) {
            return 0.6;
        }
        return 0.0;
    }
}
