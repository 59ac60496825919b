package io.inferrouter.ingestor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** {@link IngestorMetrics} in a Micrometer registry given to it; the names are the README's {@code ingestor_*}. */
public final class MicrometerIngestorMetrics implements IngestorMetrics {

    private final MeterRegistry registry;
    private final Timer metricsAckLatency;
    private final Timer scrapeOk;
    private final Timer scrapeFailed;

    public MicrometerIngestorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.metricsAckLatency = Timer.builder("ingestor_metrics_publish_latency")
                .description("From the end of a scrape to the broker's acknowledgement of its snapshot")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        this.scrapeOk = scrapeDuration("ok");
        this.scrapeFailed = scrapeDuration("failed");
    }

    @Override
    public void leader(BooleanSupplier leader) {
        state("ingestor_leader", "1 while this replica publishes and scrapes", leader);
    }

    @Override
    public void ready(BooleanSupplier ready) {
        state("ingestor_ready", "1 while /ready answers 200", ready);
    }

    @Override
    public void kafkaReachable(BooleanSupplier reachable) {
        state("ingestor_kafka_reachable", "1 when the last probe of the Kafka cluster answered", reachable);
    }

    @Override
    public void published(String topic, boolean tombstone) {
        Counter.builder("ingestor_records_published").description("Records acknowledged by the broker")
                .tag("topic", topic).tag("kind", tombstone ? "tombstone" : "record").register(registry).increment();
    }

    @Override
    public void sendFailed(String topic, boolean retriable) {
        Counter.builder("ingestor_send_failures").description("Sends that failed (retriable or not)")
                .tag("topic", topic).tag("retriable", Boolean.toString(retriable)).register(registry).increment();
    }

    @Override
    public void sendRetried(String topic) {
        Counter.builder("ingestor_send_retries").description("Resource records sent again after a failure")
                .tag("topic", topic).register(registry).increment();
    }

    @Override
    public void unchangedSkipped(String topic) {
        Counter.builder("ingestor_unchanged_skipped")
                .description("Resource records not sent because they did not change")
                .tag("topic", topic).register(registry).increment();
    }

    @Override
    public void metricsAcknowledged(long millis) {
        metricsAckLatency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    @Override
    public void informer(String kind, String namespace, BooleanSupplier watching, BooleanSupplier synced) {
        Gauge.builder("ingestor_informer_watching", () -> watching.getAsBoolean() ? 1 : 0)
                .description("1 while the informer's watch is open").tag("kind", kind).tag("namespace", namespace)
                .register(registry);
        Gauge.builder("ingestor_informer_synced", () -> synced.getAsBoolean() ? 1 : 0)
                .description("1 once the informer's first listing is complete").tag("kind", kind)
                .tag("namespace", namespace).register(registry);
    }

    @Override
    public void lastEvent(String kind, LongSupplier lastEventAtMs) {
        Gauge.builder("ingestor_last_event_age_seconds", () -> {
            long at = lastEventAtMs.getAsLong();
            return at == 0 ? Double.NaN : (System.currentTimeMillis() - at) / 1000.0;
        }).description("Seconds since the source last reported a change of this kind (NaN: none yet)")
                .tag("kind", kind).register(registry);
    }

    @Override
    public void resourceUpserted(String kind) {
        resourceEvent(kind, "upsert");
    }

    @Override
    public void resourceDeleted(String kind) {
        resourceEvent(kind, "delete");
    }

    @Override
    public void invalidResource(String kind) {
        Counter.builder("ingestor_invalid_resources").description("Resources published with validation errors")
                .tag("kind", kind).register(registry).increment();
    }

    @Override
    public void unmappableResource(String kind) {
        Counter.builder("ingestor_unmappable_resources")
                .description("Objects that could not become records at all, not published (their key is tombstoned)")
                .tag("kind", kind).register(registry).increment();
    }

    @Override
    public void scrapedEndpoints(IntSupplier endpoints) {
        Gauge.builder("ingestor_scrape_endpoints", endpoints::getAsInt).description("Endpoints being scraped now")
                .register(registry);
    }

    @Override
    public void scraped(long nanos) {
        scrapeOk.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void scrapeFailed(String reason, long nanos) {
        scrapeFailed.record(nanos, TimeUnit.NANOSECONDS);
        Counter.builder("ingestor_scrape_failures").description("Scrapes that failed, by reason").tag("reason", reason)
                .register(registry).increment();
    }

    private void resourceEvent(String kind, String event) {
        Counter.builder("ingestor_resource_events").description("Changes the source reported, by kind and event")
                .tag("kind", kind).tag("event", event).register(registry).increment();
    }

    private void state(String name, String description, BooleanSupplier state) {
        Gauge.builder(name, () -> state.getAsBoolean() ? 1 : 0).description(description).register(registry);
    }

    private Timer scrapeDuration(String outcome) {
        return Timer.builder("ingestor_scrape_duration").description("Time to scrape one endpoint's /metrics")
                .tag("outcome", outcome).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
    }
}
