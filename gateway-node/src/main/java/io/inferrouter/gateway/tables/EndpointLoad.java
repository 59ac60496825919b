package io.inferrouter.gateway.tables;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's live view of one endpoint's load, kept across table snapshots (the snapshots are
 * immutable; this counter is the one deliberately live part). Scraped metrics are up to one scrape
 * interval old; the requests sent since then, by this gateway and by its live peer replicas (as they
 * last reported them on {@code gateway.peers}), are added to them.
 */
public final class EndpointLoad {

    private final AtomicInteger own = new AtomicInteger();
    private volatile int peers;
    private volatile int inFlightAtMetrics;

    /** A request was sent to the endpoint by this gateway. */
    public void started() {
        own.incrementAndGet();
    }

    /** A request this gateway sent to the endpoint ended, however it ended. */
    public void finished() {
        own.decrementAndGet();
    }

    /** Requests in flight to the endpoint: this gateway's and its live peers'. */
    public int inFlight() {
        return own.get() + peers;
    }

    /** This gateway's own requests in flight to the endpoint: what it reports to its peers. */
    public int ownInFlight() {
        return own.get();
    }

    /** The live peer replicas' requests in flight to the endpoint, as they last reported them. */
    public int peerInFlight() {
        return peers;
    }

    /** Set by the one thread that applies the peers' reports. */
    public void peerInFlight(int requests) {
        peers = requests;
    }

    /**
     * A load that stays as given: what a replay re-decides a recorded request with.
     *
     * @param inFlight     requests in flight, as recorded
     * @param sinceMetrics of those, the ones added since the metrics were taken
     */
    public static EndpointLoad fixed(int inFlight, int sinceMetrics) {
        EndpointLoad load = new EndpointLoad();
        load.own.set(inFlight);
        load.inFlightAtMetrics = inFlight - sinceMetrics;
        return load;
    }

    /** The in-flight count when the endpoint's current metrics arrived. */
    public int inFlightAtMetrics() {
        return inFlightAtMetrics;
    }

    /** Called when fresh metrics for the endpoint arrive: they already count the requests in flight now. */
    void metricsArrived() {
        inFlightAtMetrics = inFlight();
    }

    /** Requests the gateways added (or finished, if negative) since the metrics were taken. */
    public int inFlightSinceMetrics() {
        return inFlight() - inFlightAtMetrics;
    }
}
