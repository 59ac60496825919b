package io.inferrouter.ingestor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * {@link IngestorMetrics} in a Micrometer registry given to it; the names are the README's {@code ingestor_*}.
 * Counters are registered once per set of tag values and kept: the producer callbacks and scrape loops
 * that count are hot paths. Gauges hold their object weakly ({@code Gauge.builder(name, obj, fn)}).
 */
public final class MicrometerIngestorMetrics implements IngestorMetrics {

    private final MeterRegistry registry;
    private final Timer metricsAckLatency;
    private final Timer scrapeOk;
    private final Timer scrapeFailed;
    private final Counters published;
    private final Counters sendFailures;
    private final Counters sendRetries;
    private final Counters unchangedSkipped;
    private final Counters resourceEvents;
    private final Counters invalidResources;
    private final Counters unmappableResources;
    private final Counters scrapeFailures;
    private final Counter kvBatches;
    private final Counter kvEvents;
    private final Counter kvGaps;
    private final Counter kvSnapshots;
    private final Counter kvDropped;
    private final Counters kvReplays;
    private final Counters kvResets;
    private final Counters kvMalformed;
    private final Timer kvPublishLatency;

    public MicrometerIngestorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.metricsAckLatency = Timer.builder("ingestor_metrics_publish_latency")
                .description("From the end of a scrape to the broker's acknowledgement of its snapshot")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        this.scrapeOk = scrapeDuration("ok");
        this.scrapeFailed = scrapeDuration("failed");
        this.published = new Counters("ingestor_records_published", "Records acknowledged by the broker",
                "topic", "kind");
        this.sendFailures = new Counters("ingestor_send_failures", "Sends that failed (retriable or not)",
                "topic", "retriable");
        this.sendRetries = new Counters("ingestor_send_retries", "Resource records sent again after a failure",
                "topic");
        this.unchangedSkipped = new Counters("ingestor_unchanged_skipped",
                "Resource records not sent because they did not change", "topic");
        this.resourceEvents = new Counters("ingestor_resource_events",
                "Changes the source reported, by kind and event", "kind", "event");
        this.invalidResources = new Counters("ingestor_invalid_resources",
                "Resources published with validation errors", "kind");
        this.unmappableResources = new Counters("ingestor_unmappable_resources",
                "Objects that could not become records at all, not published (their key is tombstoned)", "kind");
        this.scrapeFailures = new Counters("ingestor_scrape_failures", "Scrapes that failed, by reason", "reason");
        this.kvBatches = Counter.builder("ingestor_kv_batches").description("KV-event batches applied")
                .register(registry);
        this.kvEvents = Counter.builder("ingestor_kv_events").description("KV events in the batches applied")
                .register(registry);
        this.kvGaps = Counter.builder("ingestor_kv_gaps").description("Sequence gaps in an endpoint's KV events")
                .register(registry);
        this.kvSnapshots = Counter.builder("ingestor_kv_snapshots")
                .description("Snapshots of an endpoint's blocks written").register(registry);
        this.kvDropped = Counter.builder("ingestor_kv_dropped")
                .description("KV-event records not handed to Kafka (hand-off queue full); a snapshot follows")
                .register(registry);
        this.kvReplays = new Counters("ingestor_kv_replays", "Replay requests to a pod, by how they ended",
                "outcome");
        this.kvResets = new Counters("ingestor_kv_resets", "RESET records written, by reason", "reason");
        this.kvMalformed = new Counters("ingestor_kv_malformed",
                "KV-event messages that could not be read (sent to dead-letters), by what was wrong", "reason");
        this.kvPublishLatency = Timer.builder("ingestor_kv_publish_latency")
                .description("From receiving a KV-event batch to the broker's acknowledgement of its record")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    @Override
    public <T> void leader(T holder, Predicate<? super T> leader) {
        state("ingestor_leader", "1 while this replica publishes and scrapes", Tags.empty(), holder, leader);
    }

    @Override
    public <T> void ready(T ingestor, Predicate<? super T> ready) {
        state("ingestor_ready", "1 while /ready answers 200", Tags.empty(), ingestor, ready);
    }

    @Override
    public <T> void kafkaReachable(T probe, Predicate<? super T> reachable) {
        state("ingestor_kafka_reachable", "1 when the last probe of the Kafka cluster answered", Tags.empty(), probe,
                reachable);
    }

    @Override
    public void published(String topic, boolean tombstone) {
        published.increment(topic, tombstone ? "tombstone" : "record");
    }

    @Override
    public void sendFailed(String topic, boolean retriable) {
        sendFailures.increment(topic, Boolean.toString(retriable));
    }

    @Override
    public void sendRetried(String topic) {
        sendRetries.increment(topic);
    }

    @Override
    public void unchangedSkipped(String topic) {
        unchangedSkipped.increment(topic);
    }

    @Override
    public void metricsAcknowledged(long millis) {
        metricsAckLatency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    @Override
    public <T> void informer(String kind, String namespace, T informer, Predicate<? super T> watching,
                             Predicate<? super T> synced) {
        Tags tags = Tags.of("kind", kind, "namespace", namespace);
        state("ingestor_informer_watching", "1 while the informer's watch is open", tags, informer, watching);
        state("ingestor_informer_synced", "1 once the informer's first listing is complete", tags, informer, synced);
    }

    @Override
    public <T> void lastEvent(String kind, T holder, ToLongFunction<? super T> lastEventAtMs) {
        Gauge.builder("ingestor_last_event_age_seconds", holder, h -> {
            long at = lastEventAtMs.applyAsLong(h);
            return at == 0 ? Double.NaN : (System.currentTimeMillis() - at) / 1000.0;
        }).description("Seconds since the source last reported a change of this kind (NaN: none yet)")
                .tag("kind", kind).register(registry);
    }

    @Override
    public void resourceUpserted(String kind) {
        resourceEvents.increment(kind, "upsert");
    }

    @Override
    public void resourceDeleted(String kind) {
        resourceEvents.increment(kind, "delete");
    }

    @Override
    public void invalidResource(String kind) {
        invalidResources.increment(kind);
    }

    @Override
    public void unmappableResource(String kind) {
        unmappableResources.increment(kind);
    }

    @Override
    public <T> void scrapedEndpoints(T holder, ToIntFunction<? super T> endpoints) {
        Gauge.builder("ingestor_scrape_endpoints", holder, h -> endpoints.applyAsInt(h))
                .description("Endpoints being scraped now").register(registry);
    }

    @Override
    public void scraped(long nanos) {
        scrapeOk.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void scrapeFailed(String reason, long nanos) {
        scrapeFailed.record(nanos, TimeUnit.NANOSECONDS);
        scrapeFailures.increment(reason);
    }

    @Override
    public <T> void kvEndpoints(T holder, ToIntFunction<? super T> endpoints) {
        Gauge.builder("ingestor_kv_endpoints", holder, h -> endpoints.applyAsInt(h))
                .description("Endpoints whose KV events are subscribed to now").register(registry);
    }

    @Override
    public void kvBatch(int events) {
        kvBatches.increment();
        kvEvents.increment(events);
    }

    @Override
    public void kvGap() {
        kvGaps.increment();
    }

    @Override
    public void kvReplay(String outcome) {
        kvReplays.increment(outcome);
    }

    @Override
    public void kvReset(String reason) {
        kvResets.increment(reason);
    }

    @Override
    public void kvSnapshot() {
        kvSnapshots.increment();
    }

    @Override
    public void kvMalformed(String reason) {
        kvMalformed.increment(reason);
    }

    @Override
    public void kvDropped() {
        kvDropped.increment();
    }

    @Override
    public void kvPublished(long nanos) {
        kvPublishLatency.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** A 0/1 gauge; {@code state} must not capture {@code obj}, or the registry would keep it alive. */
    private <T> void state(String name, String description, Tags tags, T obj, Predicate<? super T> state) {
        Gauge.builder(name, obj, o -> state.test(o) ? 1 : 0).description(description).tags(tags).register(registry);
    }

    private Timer scrapeDuration(String outcome) {
        return Timer.builder("ingestor_scrape_duration").description("Time to scrape one endpoint's /metrics")
                .tag("outcome", outcome).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
    }

    /** One counter name with fixed tag keys; each set of tag values is registered on first use, then reused. */
    private final class Counters {

        private final String name;
        private final String description;
        private final List<String> tagKeys;
        private final Map<List<String>, Counter> byTagValues = new ConcurrentHashMap<>();

        Counters(String name, String description, String... tagKeys) {
            this.name = name;
            this.description = description;
            this.tagKeys = List.of(tagKeys);
        }

        void increment(String... tagValues) {
            byTagValues.computeIfAbsent(List.of(tagValues), this::register).increment();
        }

        private Counter register(List<String> tagValues) {
            Counter.Builder counter = Counter.builder(name).description(description);
            for (int i = 0; i < tagKeys.size(); i++) {
                counter.tag(tagKeys.get(i), tagValues.get(i));
            }
            return counter.register(registry);
        }
    }
}
