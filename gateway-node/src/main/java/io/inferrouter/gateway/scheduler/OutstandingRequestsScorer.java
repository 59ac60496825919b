package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/**
 * Least outstanding requests: prefers the endpoints with the fewest requests this gateway has in
 * flight to them, ignoring scraped metrics entirely.
 */
public final class OutstandingRequestsScorer implements Scorer {

    public static final String NAME = "outstanding-requests";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double[] score(SchedulingContext context, List<Endpoint> candidates) {
        return Scorers.lessIsBetter(candidates, context::inFlight);
    }
}
