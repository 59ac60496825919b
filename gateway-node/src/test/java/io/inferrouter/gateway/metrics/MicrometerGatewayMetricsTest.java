package io.inferrouter.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.resources.ResourceKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MicrometerGatewayMetricsTest {

    private static final ResourceKey POOL = ResourceKey.of("ns", "pool");

    @Test
    void metersAreFoundAgainPerTagTupleWithTheirNamesAndTags() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry);
        metrics.requestEnded("m", POOL, 200, 1_000_000);
        metrics.requestEnded("m", POOL, 200, 3_000_000);
        metrics.requestEnded("m", POOL, 503, 1_000_000);
        metrics.requestEnded("m", null, 400, 1_000_000);
        metrics.tokens("m", POOL, 0, 4);
        metrics.tokens("m", POOL, 7, 5);
        metrics.retried(POOL);
        metrics.retried(POOL);
        metrics.decisionTime(POOL, 5_000);

        assertThat(registry.get("gateway_request_duration").tags("model", "m", "pool", "ns/pool", "status", "200")
                .timer().count()).isEqualTo(2);
        assertThat(registry.get("gateway_request_duration").tags("status", "503").timer().count()).isEqualTo(1);
        assertThat(registry.get("gateway_request_duration").tags("pool", "none", "status", "400").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("gateway_output_tokens").tags("model", "m", "pool", "ns/pool").summary().count())
                .isEqualTo(2);
        assertThat(registry.get("gateway_prompt_tokens").summary().totalAmount()).isEqualTo(7);
        assertThat(registry.get("gateway_retries").tags("pool", "ns/pool").counter().count()).isEqualTo(2);
        assertThat(registry.get("gateway_decision_duration").tags("pool", "ns/pool").timer().count()).isEqualTo(1);
    }
}
