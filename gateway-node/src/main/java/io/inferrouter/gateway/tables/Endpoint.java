package io.inferrouter.gateway.tables;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.tables.EndpointRow;
import java.util.List;
import java.util.Objects;

/**
 * One endpoint in a table snapshot: its row as routing-stream last wrote it, and the live load
 * counter that outlives snapshots. Every number the scorers, filters and the proxy read from the row
 * is computed here once, when the row arrives (once per table update), so a request only reads
 * fields; the one per-request sum is {@link #waitingEstimate()}, which adds the live counter.
 *
 * <p>A snapshot holds one instance per row: endpoints are equal only when they are the same instance.
 */
public final class Endpoint {

    private final EndpointRow row;
    private final EndpointLoad load;
    private final String idText;
    private final String hostPort;
    private final int scrapedWaiting;
    private final int runningRequests;
    private final double kvCacheUsage;
    private final long lastGoodAtMs;
    private final List<String> loraRunning;
    private final List<String> loraWaiting;
    private final int maxLora;
    private final int rowPartition;
    private final long rowOffset;
    /**
     * Where the newest snapshot that holds this endpoint put it: a hint that saves a scheduling cycle
     * a map lookup per endpoint read, checked against the cycle's own snapshot before it is trusted
     * (an older snapshot may hold the endpoint elsewhere). Written by the table replica's thread.
     */
    private volatile int positionHint = -1;

    public Endpoint(EndpointRow row, EndpointLoad load) {
        this(row, load, -1, -1);
    }

    /**
     * @param rowPartition the row's partition in its table topic, -1 when unknown
     * @param rowOffset    the row's offset there: the table version a decision read
     */
    public Endpoint(EndpointRow row, EndpointLoad load, int rowPartition, long rowOffset) {
        this.rowPartition = rowPartition;
        this.rowOffset = rowOffset;
        this.row = Objects.requireNonNull(row, "row");
        this.load = Objects.requireNonNull(load, "load");
        this.idText = row.endpoint().toString();
        this.hostPort = row.hostPort();
        EngineReport report = row.report();
        EngineLoad l = report == null ? EngineLoad.UNKNOWN : report.load();
        this.scrapedWaiting = l.waitingRequests() == null ? 0 : l.waitingRequests();
        this.runningRequests = l.runningRequests() == null ? 0 : l.runningRequests();
        this.kvCacheUsage = l.kvCacheUsage() == null ? 0.0 : Math.min(1.0, l.kvCacheUsage());
        this.lastGoodAtMs = report == null ? 0
                : report.failed() ? report.scrape().lastSuccessAtMs() : report.observedAtMs();
        this.loraRunning = l.loraRunning();
        this.loraWaiting = l.loraWaiting();
        this.maxLora = l.maxLora() == null ? -1 : l.maxLora();
    }

    public EndpointRow row() {
        return row;
    }

    public EndpointLoad load() {
        return load;
    }

    public EndpointId id() {
        return row.endpoint();
    }

    /** The id's string form ({@code namespace/pod:port}), as the {@code x-gateway-endpoint} header shows it. */
    public String idText() {
        return idText;
    }

    /** {@code address:port}, what the proxy connects to. */
    public String hostPort() {
        return hostPort;
    }

    /** What the latest scrape said, or null before the first one. */
    public EngineReport report() {
        return row.report();
    }

    int positionHint() {
        return positionHint;
    }

    void positionHint(int position) {
        positionHint = position;
    }

    /** The row's partition in the endpoints table topic, -1 when unknown. */
    public int rowPartition() {
        return rowPartition;
    }

    /** The row's offset in the endpoints table topic, -1 when unknown. */
    public long rowOffset() {
        return rowOffset;
    }

    /** Waiting requests as scraped (0 when unknown). */
    public int scrapedWaiting() {
        return scrapedWaiting;
    }

    /**
     * Waiting requests as scraped, plus what the gateways sent since (never below zero), read live. A
     * scheduling cycle reads it through {@link io.inferrouter.gateway.scheduler.SchedulingContext#waitingEstimate},
     * once per request, so that what it decided on can be recorded and replayed.
     */
    public int waitingEstimate() {
        return Math.max(0, scrapedWaiting + load.inFlightSinceMetrics());
    }

    public int runningRequests() {
        return runningRequests;
    }

    /** KV-cache usage 0..1 as scraped; 0 when unknown. */
    public double kvCacheUsage() {
        return kvCacheUsage;
    }

    /** Age of the last successful scrape at {@code nowMs}; Long.MAX_VALUE when there has been none. */
    public long metricsAgeMs(long nowMs) {
        return lastGoodAtMs <= 0 ? Long.MAX_VALUE : Math.max(0, nowMs - lastGoodAtMs);
    }

    public List<String> loraRunning() {
        return loraRunning;
    }

    public List<String> loraWaiting() {
        return loraWaiting;
    }

    /** LoRA slots, or -1 when the server reports none. */
    public int maxLora() {
        return maxLora;
    }

    @Override
    public String toString() {
        return "Endpoint[" + idText + " at " + hostPort + "]";
    }
}
