package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/** Prefers small running batches, min-max normalized. */
public final class RunningRequestsScorer implements Scorer {

    public static final String NAME = "running-requests";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double[] score(SchedulingContext context, List<Endpoint> candidates) {
        return Scorers.lessIsBetter(candidates, Endpoint::runningRequests);
    }
}
