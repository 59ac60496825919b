package io.inferrouter.admin.whatif;

import java.time.Duration;
import java.util.Objects;

/**
 * How stale the routing state a gateway decides on is, as a what-if replay models it: every pod is
 * scraped every {@code scrapeInterval} (each pod on its own phase, as state-ingestor runs one loop
 * per endpoint), and a scrape reaches the gateway's table {@code metricsDelay} after it was taken
 * (state-ingestor, Kafka, routing-stream, the gateway's replica). A pod's KV-cache events reach the
 * gateway's KV block index {@code kvEventDelay} after the engine step that produced them.
 *
 * <p>The defaults are the devstack's and what docs/benchmarks.md measured: state-ingestor scrapes
 * every 50 ms ({@code scrape.interval}); Kafka, Streams and the replica add about 7 ms at p50 to a
 * metric change (the freshness benchmark: 32 ms p50 from change to table, half a scrape interval of
 * that waiting for the next scrape); a KV-event batch reached the gateway's index in 5-54 ms at p50
 * in the precise-prefix runs, and the architecture's goal is 20 ms, the default here.
 *
 * @param scrapeInterval time between two scrapes of one pod, > 0
 * @param metricsDelay   from a scrape to the gateway's table showing it, >= 0
 * @param kvEventDelay   from an engine step's KV events to the gateway's KV block index, >= 0
 */
public record PipelineDelays(Duration scrapeInterval, Duration metricsDelay, Duration kvEventDelay) {

    /** state-ingestor's {@code scrape.interval} default, which the devstack uses. */
    public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofMillis(50);
    /** Kafka, routing-stream and the gateway's replica after a scrape: ~7 ms at p50 (docs/benchmarks.md). */
    public static final Duration DEFAULT_METRICS_DELAY = Duration.ofMillis(7);
    /** A pod's KV events to the gateway's index: the architecture's goal (measured p50 5-54 ms under load). */
    public static final Duration DEFAULT_KV_EVENT_DELAY = Duration.ofMillis(20);

    public PipelineDelays {
        Objects.requireNonNull(scrapeInterval, "scrapeInterval");
        Objects.requireNonNull(metricsDelay, "metricsDelay");
        Objects.requireNonNull(kvEventDelay, "kvEventDelay");
        if (scrapeInterval.isNegative() || scrapeInterval.isZero()) {
            throw new IllegalArgumentException("the scrape interval must be positive, was " + scrapeInterval);
        }
        if (metricsDelay.isNegative()) {
            throw new IllegalArgumentException("the metrics delay must be >= 0, was " + metricsDelay);
        }
        if (kvEventDelay.isNegative()) {
            throw new IllegalArgumentException("the KV-event delay must be >= 0, was " + kvEventDelay);
        }
    }

    /** The devstack's scrape interval and the measured pipeline delays. */
    public static PipelineDelays defaults() {
        return new PipelineDelays(DEFAULT_SCRAPE_INTERVAL, DEFAULT_METRICS_DELAY, DEFAULT_KV_EVENT_DELAY);
    }
}
