package io.inferrouter.stream.app;

import io.inferrouter.stream.topology.StreamMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@link StreamMetrics} as Micrometer counters, in the registry it is given. */
final class MicrometerStreamMetrics implements StreamMetrics {

    private final MeterRegistry registry;
    private final Counter outOfOrder;
    private final Counter withoutMembership;
    private final Counter forgotten;

    MicrometerStreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.outOfOrder = Counter.builder("routing_stream_metrics_out_of_order")
                .description("Metrics records older than the one already applied, dropped").register(registry);
        this.withoutMembership = Counter.builder("routing_stream_metrics_without_membership")
                .description("Metrics records for endpoints in no pool, kept for when they join").register(registry);
        this.forgotten = Counter.builder("routing_stream_orphaned_metrics_forgotten")
                .description("Metrics of endpoints long gone from every pool, removed from state").register(registry);
    }

    @Override
    public void poisonRecord(String topic) {
        registry.counter("routing_stream_poison_records", "topic", topic).increment();
    }

    @Override
    public void processingError(String processor) {
        registry.counter("routing_stream_processing_errors", "processor", processor).increment();
    }

    @Override
    public void malformedKey(String topic) {
        registry.counter("routing_stream_malformed_keys", "topic", topic).increment();
    }

    @Override
    public void outOfOrderMetrics() {
        outOfOrder.increment();
    }

    @Override
    public void metricsWithoutMembership() {
        withoutMembership.increment();
    }

    @Override
    public void orphanedMetricsForgotten(int count) {
        forgotten.increment(count);
    }

    @Override
    public void rowEmitted(String table) {
        registry.counter("routing_stream_rows_emitted", "table", table).increment();
    }
}
