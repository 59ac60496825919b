package io.inferrouter.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@link GatewayMetrics} in a Micrometer registry given to it. */
public final class MicrometerGatewayMetrics implements GatewayMetrics {

    private final MeterRegistry registry;
    private final Counter decisionsDropped;

    public MicrometerGatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.decisionsDropped = Counter.builder("gateway_decisions_dropped")
                .description("Decision events not written to Kafka (buffer full or delivery failed)").register(registry);
    }

    @Override
    public void requestEnded(String model, String pool, int status, long totalNanos) {
        Timer.builder("gateway_request_duration").description("Time from request arrival to the end of the response")
                .tags("model", model, "pool", pool, "status", Integer.toString(status))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry)
                .record(totalNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void firstByte(String model, String pool, long nanos) {
        Timer.builder("gateway_time_to_first_byte").description("Time from request arrival to the first response byte")
                .tags("model", model, "pool", pool).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void tokens(String model, String pool, int promptTokens, int outputTokens) {
        DistributionSummary.builder("gateway_output_tokens").tags("model", model, "pool", pool)
                .publishPercentileHistogram().register(registry).record(outputTokens);
        if (promptTokens > 0) {
            DistributionSummary.builder("gateway_prompt_tokens").tags("model", model, "pool", pool)
                    .publishPercentileHistogram().register(registry).record(promptTokens);
        }
    }

    @Override
    public void decisionTime(String pool, long nanos) {
        Timer.builder("gateway_decision_duration").description("Time the scheduler took to pick an endpoint")
                .tags("pool", pool).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofMillis(10)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void retried(String pool) {
        registry.counter("gateway_retries", "pool", pool).increment();
    }

    @Override
    public void shed(String pool) {
        registry.counter("gateway_shed_requests", "pool", pool).increment();
    }

    @Override
    public void decisionDropped() {
        decisionsDropped.increment();
    }

    @Override
    public void endpointAdded(String endpoint, java.util.function.IntSupplier inFlight) {
        io.micrometer.core.instrument.Gauge.builder("gateway_endpoint_in_flight", inFlight::getAsInt)
                .description("Requests this gateway has in flight to the endpoint").tag("endpoint", endpoint)
                .register(registry);
    }

    @Override
    public void endpointRemoved(String endpoint) {
        var gauge = registry.find("gateway_endpoint_in_flight").tag("endpoint", endpoint).gauge();
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    @Override
    public void tableRecordSkipped(String topic) {
        registry.counter("gateway_table_records_skipped", "topic", topic).increment();
    }
}
