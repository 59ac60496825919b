package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/** Prefers short queues: the scraped waiting count plus what this gateway sent since, min-max normalized. */
public final class QueueScorer implements Scorer {

    public static final String NAME = "queue";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double[] score(SchedulingContext context, List<Endpoint> candidates) {
        return Scorers.lessIsBetter(candidates, context::waitingEstimate);
    }
}
