package io.inferrouter.schemas.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.inferrouter.schemas.Checks;
import java.util.List;
import java.util.Objects;

/**
 * One scrape of one endpoint's {@code /metrics}, keyed by {@link #endpoint()} on the metrics topic.
 * A failed or timed-out scrape is published too, with the error in its {@link ScrapeFacts} and the load
 * unknown, so that staleness is visible downstream.
 *
 * <p>On the wire it is one flat JSON object ({@link Flat}); the nesting exists only in Java.
 *
 * @param endpoint the endpoint scraped
 * @param address  the pod IP scraped
 * @param port     the target port scraped
 * @param report   what the scrape said
 */
public record EndpointMetrics(EndpointId endpoint, String address, int port, EngineReport report) {

    public EndpointMetrics {
        Objects.requireNonNull(endpoint, "endpoint is required");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        Objects.requireNonNull(report, "report is required");
    }

    /** A successful scrape. */
    public static EndpointMetrics scraped(EndpointId endpoint, String address, int port, String engineType,
                                          EngineLoad load, CacheGeometry cache, long scrapeMicros, long observedAtMs,
                                          String source) {
        return new EndpointMetrics(endpoint, address, port,
                EngineReport.scraped(engineType, load, cache, scrapeMicros, observedAtMs, source));
    }

    /** A failed scrape: see {@link EngineReport#failed}. */
    public static EndpointMetrics failed(EndpointId endpoint, String address, int port, String engineType,
                                         String error, long scrapeMicros, long lastSuccessAtMs, long observedAtMs,
                                         String source) {
        return new EndpointMetrics(endpoint, address, port,
                EngineReport.failed(engineType, error, scrapeMicros, lastSuccessAtMs, observedAtMs, source));
    }

    /** This scrape, keeping {@code last}'s load values when it failed (see {@link EngineReport#withLastGood}). */
    public EndpointMetrics withLastGood(EndpointMetrics last) {
        return last == null ? this : new EndpointMetrics(endpoint, address, port, report.withLastGood(last.report));
    }

    public boolean failed() {
        return report.failed();
    }

    public long observedAtMs() {
        return report.observedAtMs();
    }

    @JsonValue
    Flat flat() {
        return Flat.of(endpoint, address, port, report);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static EndpointMetrics fromFlat(Flat f) {
        return new EndpointMetrics(EndpointId.parse(f.endpoint()), f.address(), f.port(), f.report());
    }

    /**
     * The wire form, one flat object as version 1 wrote it (see endpoint-metrics.schema.json). Endpoint
     * rows embed the same object.
     */
    public record Flat(String endpoint, String address, int port, String engineType,
                       Integer waitingRequests, Integer runningRequests, Double kvCacheUsage,
                       List<String> loraRunning, List<String> loraWaiting, Integer maxLora,
                       Integer blockSize, Integer numGpuBlocks, Long prefixCacheQueries, Long prefixCacheHits,
                       long scrapeMicros, String scrapeError, long lastSuccessAtMs, long observedAtMs,
                       String source) {

        public Flat {
            loraRunning = Checks.list(loraRunning);
            loraWaiting = Checks.list(loraWaiting);
        }

        public static Flat of(EndpointId endpoint, String address, int port, EngineReport r) {
            EngineLoad l = r.load();
            CacheGeometry c = r.cache();
            ScrapeFacts s = r.scrape();
            return new Flat(endpoint.toString(), address, port, r.engineType(), l.waitingRequests(),
                    l.runningRequests(), l.kvCacheUsage(), l.loraRunning(), l.loraWaiting(), l.maxLora(),
                    c.blockSize(), c.numGpuBlocks(), c.prefixCacheQueries(), c.prefixCacheHits(),
                    s.scrapeMicros(), s.error(), s.lastSuccessAtMs(), s.observedAtMs(), s.source());
        }

        public EngineReport report() {
            return new EngineReport(engineType,
                    new EngineLoad(waitingRequests, runningRequests, kvCacheUsage, loraRunning, loraWaiting, maxLora),
                    new CacheGeometry(blockSize, numGpuBlocks, prefixCacheQueries, prefixCacheHits),
                    new ScrapeFacts(scrapeMicros, scrapeError, lastSuccessAtMs, observedAtMs, source));
        }
    }
}
