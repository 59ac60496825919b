package io.inferrouter.bench.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouterOverheadTest {

    private static Timer decisionTimer(PrometheusMeterRegistry registry) {
        // As gateway-node's MicrometerGatewayMetrics registers it.
        return Timer.builder(RouterOverhead.TIMER).tags("pool", "bench/pool").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1_000)).maximumExpectedValue(Duration.ofMillis(10))
                .register(registry);
    }

    @Test
    void countsOnlyTheDecisionsOfTheStage() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer t = decisionTimer(registry);
        for (int i = 0; i < 100; i++) {
            t.record(1, TimeUnit.MILLISECONDS); // an earlier stage
        }
        RouterOverhead.Snapshot before = RouterOverhead.snapshot(registry);
        for (int i = 0; i < 99; i++) {
            t.record(20, TimeUnit.MICROSECONDS);
        }
        t.record(5, TimeUnit.MILLISECONDS);
        RouterOverhead o = RouterOverhead.between(before, RouterOverhead.snapshot(registry));
        assertThat(o.decisions()).isEqualTo(100);
        assertThat(o.meanMicros()).isCloseTo((99 * 20 + 5_000) / 100.0, within(0.01));
        // Bucket interpolation: near 20 us, well below the earlier stage's 1 ms.
        assertThat(o.p50Micros()).isBetween(14.0, 23.0);
        assertThat(o.p99Micros()).isBetween(14.0, 23.0);
    }

    @Test
    void noDecisionsGiveNoNumbers() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RouterOverhead o = RouterOverhead.between(RouterOverhead.snapshot(registry), RouterOverhead.snapshot(registry));
        assertThat(o.decisions()).isZero();
        assertThat(o.meanMicros()).isNaN();
    }

    @Test
    void quantilesInterpolateInsideTheBucket() {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        cumulative.put(10_000.0, 0.0);
        cumulative.put(20_000.0, 100.0);
        assertThat(RouterOverhead.quantile(cumulative, 100, 0.5)).isCloseTo(15.0, within(1e-9));
        assertThat(RouterOverhead.quantile(cumulative, 100, 0.99)).isCloseTo(19.9, within(1e-9));
    }
}
