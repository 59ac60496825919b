package io.inferrouter.gateway.metrics;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;

/** {@link GatewayMetrics} in a Micrometer registry given to it. */
public final class MicrometerGatewayMetrics implements GatewayMetrics {

    /** The pool tag of requests that never got a pool. */
    private static final String NO_POOL = "none";

    private final MeterRegistry registry;
    private final Counter decisionsDropped;
    /**
     * Each pool's tag text, built once per pool instead of once per request. Pools come from the
     * tables, never from a client, and the registry keeps their meters anyway.
     */
    private final ConcurrentHashMap<ResourceKey, String> poolTags = new ConcurrentHashMap<>();

    /*
     * Meters per tag tuple, registered on first use and then found with one lock-free map lookup
     * (a builder and register() per call cost about 1% of CPU). Tags come from the tables (models
     * the tables claim, pools) and from status codes, so the maps stay as small as the registry.
     */
    private final ConcurrentHashMap<ModelPoolStatus, Timer> requestDurations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ModelPool, Timer> firstBytes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ModelPool, DistributionSummary> outputTokenSummaries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ModelPool, DistributionSummary> promptTokenSummaries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ModelPool, Timer> decisionDurations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ModelPool, Counter> retries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ModelPool, Counter> sheds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ModelPool, Counter> aborts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> preciseFallbacks = new ConcurrentHashMap<>();
    /** Registered on first use (only a gateway that reads KV events has one). */
    private volatile Timer kvEventLag;
    private volatile Timer peerLag;

    private record ModelPool(String model, ResourceKey pool) {
    }

    private record ModelPoolStatus(String model, ResourceKey pool, int status) {
    }

    public MicrometerGatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.decisionsDropped = Counter.builder("gateway_decisions_dropped")
                .description("Decision events not written to Kafka (buffer full or delivery failed)").register(registry);
    }

    @Override
    public void requestEnded(String model, ResourceKey pool, int status, long totalNanos) {
        ModelPoolStatus key = new ModelPoolStatus(model, pool, status);
        meter(requestDurations, key, k -> Timer.builder("gateway_request_duration")
                .description("Time from request arrival to the end of the response")
                .tags("model", k.model(), "pool", tag(k.pool()), "status", Integer.toString(k.status()))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry))
                .record(totalNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void firstByte(String model, ResourceKey pool, long nanos) {
        meter(firstBytes, new ModelPool(model, pool), k -> Timer.builder("gateway_time_to_first_byte")
                .description("Time from request arrival to the first response byte")
                .tags("model", k.model(), "pool", tag(k.pool())).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void tokens(String model, ResourceKey pool, int promptTokens, int outputTokens) {
        ModelPool key = new ModelPool(model, pool);
        meter(outputTokenSummaries, key, k -> DistributionSummary.builder("gateway_output_tokens")
                .tags("model", k.model(), "pool", tag(k.pool())).publishPercentileHistogram().register(registry))
                .record(outputTokens);
        if (promptTokens > 0) {
            meter(promptTokenSummaries, key, k -> DistributionSummary.builder("gateway_prompt_tokens")
                    .tags("model", k.model(), "pool", tag(k.pool())).publishPercentileHistogram().register(registry))
                    .record(promptTokens);
        }
    }

    @Override
    public void decisionTime(ResourceKey pool, long nanos) {
        meter(decisionDurations, poolKey(pool), k -> Timer.builder("gateway_decision_duration")
                .description("Time the scheduler took to pick an endpoint")
                .tags("pool", tag(k.pool())).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofMillis(10)).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void retried(ResourceKey pool) {
        meter(retries, poolKey(pool), k -> registry.counter("gateway_retries", "pool", tag(k.pool()))).increment();
    }

    @Override
    public void shed(ResourceKey pool) {
        meter(sheds, poolKey(pool), k -> registry.counter("gateway_shed_requests", "pool", tag(k.pool()))).increment();
    }

    @Override
    public void streamAborted(ResourceKey pool) {
        meter(aborts, poolKey(pool), k -> Counter.builder("gateway_streams_aborted")
                .description("Streamed responses aborted after they started because the model server's stream broke")
                .tag("pool", tag(k.pool())).register(registry)).increment();
    }

    @Override
    public void decisionDropped() {
        decisionsDropped.increment();
    }

    @Override
    public void endpointAdded(EndpointId endpoint, IntSupplier inFlight) {
        Gauge.builder("gateway_endpoint_in_flight", inFlight::getAsInt)
                .description("Requests this gateway (not its peers) has in flight to the endpoint").tag("endpoint", endpoint.toString())
                .register(registry);
    }

    @Override
    public void endpointRemoved(EndpointId endpoint) {
        var gauge = registry.find("gateway_endpoint_in_flight").tag("endpoint", endpoint.toString()).gauge();
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    @Override
    public void tableRecordSkipped(String topic) {
        registry.counter("gateway_table_records_skipped", "topic", topic).increment();
    }

    @Override
    public void kvEventsRecordSkipped() {
        registry.counter("gateway_kv_events_records_skipped").increment();
    }

    @Override
    public void peerReportSkipped() {
        registry.counter("gateway_peer_reports_skipped").increment();
    }

    @Override
    public void peerReportLost() {
        registry.counter("gateway_peer_reports_lost").increment();
    }

    @Override
    public void peerPromptLag(long millis) {
        Timer t = peerLag;
        if (t == null) {
            t = lagTimer("gateway_peer_prompt_lag",
                    "Time from a peer replica learning a prompt (its clock) to this gateway's prefix index");
            peerLag = t;
        }
        t.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    @Override
    public void kvEventIndexLag(long millis) {
        Timer t = kvEventLag;
        if (t == null) {
            t = lagTimer("gateway_kv_event_index_lag",
                    "Time from a model server's KV-event batch (its timestamp) to this gateway's index");
            kvEventLag = t;
        }
        t.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** A histogram of milliseconds to tens of seconds, for how late something reached this gateway. */
    private Timer lagTimer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    @Override
    public void preciseFallback(String reason) {
        // A few reasons, each counter made once: the lookup after that is a lock-free map read.
        preciseFallbacks.computeIfAbsent(reason, r -> Counter.builder("gateway_precise_prefix_fallbacks")
                .description("Requests the precise prefix-cache scorer left to the approximate one, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    @Override
    public void headerTooLarge() {
        limitHit("header-size");
    }

    @Override
    public void readTimedOut() {
        limitHit("read-timeout");
    }

    @Override
    public void connectionRejected() {
        limitHit("connections");
    }

    @Override
    public void inFlightRejected() {
        limitHit("in-flight");
    }

    @Override
    public void clientLoad(IntSupplier openConnections, IntSupplier inFlightRequests) {
        // Each limit's counter shows 0 from the start, not only after its first hit.
        for (String limit : new String[] {"header-size", "read-timeout", "connections", "in-flight"}) {
            limitCounter(limit);
        }
        Gauge.builder("gateway_client_connections", openConnections::getAsInt)
                .description("Client connections open (http.max-connections caps them)").register(registry);
        Gauge.builder("gateway_in_flight_requests", inFlightRequests::getAsInt)
                .description("Client requests being handled, probes and /metrics not counted "
                        + "(http.max-in-flight caps them)").register(registry);
    }

    /** Rare (a limit hit), so the registry lookup is fine. */
    private void limitHit(String limit) {
        limitCounter(limit).increment();
    }

    private Counter limitCounter(String limit) {
        return Counter.builder("gateway_limit_rejections")
                .description("Requests refused and connections cut by a client limit (http.* settings)")
                .tag("limit", limit).register(registry);
    }

    private static ModelPool poolKey(ResourceKey pool) {
        return new ModelPool(null, pool);
    }

    /** A get first: computeIfAbsent may lock its bin even when the meter is there. */
    private static <K, M> M meter(ConcurrentHashMap<K, M> meters, K key, Function<K, M> register) {
        M meter = meters.get(key);
        return meter != null ? meter : meters.computeIfAbsent(key, register);
    }

    /** Lock-free for a known pool, like the request path it serves. */
    private String tag(ResourceKey pool) {
        if (pool == null) {
            return NO_POOL;
        }
        String tag = poolTags.get(pool);
        if (tag == null) {
            tag = pool.toString();
            poolTags.putIfAbsent(pool, tag);
        }
        return tag;
    }
}
