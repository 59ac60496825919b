package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/** Prefers free KV cache: score = 1 - KV-cache usage. */
public final class KvCacheScorer implements Scorer {

    public static final String NAME = "kv-cache";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double[] score(SchedulingContext context, List<Endpoint> candidates) {
        double[] scores = new double[candidates.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = 1.0 - candidates.get(i).kvCacheUsage();
        }
        return scores;
    }
}
