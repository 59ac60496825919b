package io.inferrouter.gateway.tables;

import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.tables.EndpointRow;
import java.util.List;

/**
 * One endpoint in a table snapshot: its row as routing-stream last wrote it, and the live load
 * counter that outlives snapshots. The derived numbers the scorers read are computed here once per
 * table update, not per request.
 */
public record Endpoint(EndpointRow row, EndpointLoad load) {

    public String id() {
        return row.endpoint();
    }

    public String hostPort() {
        return row.hostPort();
    }

    public EndpointMetrics metrics() {
        return row.metrics();
    }

    /** Waiting requests as scraped, plus what this gateway sent since (never below zero). */
    public int waitingEstimate() {
        EndpointMetrics m = row.metrics();
        int scraped = m == null || m.waitingRequests() == null ? 0 : m.waitingRequests();
        return Math.max(0, scraped + load.inFlightSinceMetrics());
    }

    public int runningRequests() {
        EndpointMetrics m = row.metrics();
        return m == null || m.runningRequests() == null ? 0 : m.runningRequests();
    }

    /** KV-cache usage 0..1 as scraped; 0 when unknown. */
    public double kvCacheUsage() {
        EndpointMetrics m = row.metrics();
        return m == null || m.kvCacheUsage() == null ? 0.0 : Math.min(1.0, m.kvCacheUsage());
    }

    /** Age of the last successful scrape at {@code nowMs}; Long.MAX_VALUE when there has been none. */
    public long metricsAgeMs(long nowMs) {
        EndpointMetrics m = row.metrics();
        if (m == null) {
            return Long.MAX_VALUE;
        }
        long lastGood = m.failed() ? m.lastSuccessAtMs() : m.observedAtMs();
        return lastGood <= 0 ? Long.MAX_VALUE : Math.max(0, nowMs - lastGood);
    }

    public List<String> loraRunning() {
        return row.metrics() == null ? List.of() : row.metrics().loraRunning();
    }

    public List<String> loraWaiting() {
        return row.metrics() == null ? List.of() : row.metrics().loraWaiting();
    }

    /** LoRA slots, or -1 when the server reports none. */
    public int maxLora() {
        EndpointMetrics m = row.metrics();
        return m == null || m.maxLora() == null ? -1 : m.maxLora();
    }
}
