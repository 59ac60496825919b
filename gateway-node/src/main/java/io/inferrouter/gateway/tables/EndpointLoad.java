package io.inferrouter.gateway.tables;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's live view of one endpoint's load, kept across table snapshots (the snapshots are
 * immutable; this counter is the one deliberately live part). Scraped metrics are up to one scrape
 * interval old; the requests this gateway sent since then are added to them.
 */
public final class EndpointLoad {

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int inFlightAtMetrics;

    /** A request was sent to the endpoint. */
    public void started() {
        inFlight.incrementAndGet();
    }

    /** A request to the endpoint ended, however it ended. */
    public void finished() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Called when fresh metrics for the endpoint arrive: they already count the requests in flight now. */
    void metricsArrived() {
        inFlightAtMetrics = inFlight.get();
    }

    /** Requests this gateway added (or finished, if negative) since the metrics were taken. */
    public int inFlightSinceMetrics() {
        return inFlight.get() - inFlightAtMetrics;
    }
}
