package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.schemas.metrics.EndpointId;
import java.util.List;
import java.util.Map;

/**
 * Prefers the endpoint most likely to hold the prompt's prefix in its KV cache: the share of the
 * prompt's leading blocks this gateway has sent it before (greedy longest-prefix match).
 */
public final class PrefixCacheScorer implements Scorer {

    public static final String NAME = "prefix-cache";

    private final PrefixIndex index;

    public PrefixCacheScorer(PrefixIndex index) {
        this.index = index;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double[] score(SchedulingContext context, List<Endpoint> candidates) {
        double[] scores = new double[candidates.size()];
        long[] blocks = context.promptBlocks();
        if (blocks.length == 0) {
            return scores;
        }
        Map<EndpointId, Integer> matched = index.matchedBlocks(context.pool().key(), blocks);
        if (matched.isEmpty()) {
            return scores;
        }
        for (int i = 0; i < scores.length; i++) {
            Integer m = matched.get(candidates.get(i).id());
            scores[i] = m == null ? 0 : (double) m / blocks.length;
        }
        return scores;
    }

    @Override
    public void onPicked(SchedulingContext context, Endpoint picked) {
        index.record(context.pool().key(), context.promptBlocks(), picked.id());
    }
}
