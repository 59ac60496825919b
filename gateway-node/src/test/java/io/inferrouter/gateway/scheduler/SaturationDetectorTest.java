package io.inferrouter.gateway.scheduler;

import static io.inferrouter.gateway.tables.Endpoints.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.gateway.tables.Endpoints;
import org.junit.jupiter.api.Test;

class SaturationDetectorTest {

    private final SaturationDetector detector = new SaturationDetector(5, 0.8, 200);

    @Test
    void onePodWithCapacityMeansNotSaturated() {
        assertThat(detector.saturated(Endpoints.pool(endpoint("a", 9, 0.9, 1_000), endpoint("b", 1, 0.2, 1_000)), 1_000))
                .isFalse();
    }

    @Test
    void queuesAtTheThresholdEverywhereMeanSaturated() {
        assertThat(detector.saturated(Endpoints.pool(endpoint("a", 5, 0.1, 1_000), endpoint("b", 7, 0.1, 1_000)), 1_000))
                .isTrue();
    }

    @Test
    void kvCacheAtTheThresholdEverywhereMeansSaturated() {
        assertThat(detector.saturated(Endpoints.pool(endpoint("a", 0, 0.8, 1_000)), 1_000)).isTrue();
    }

    @Test
    void staleMetricsCountAsNoCapacity() {
        assertThat(detector.saturated(Endpoints.pool(endpoint("a", 0, 0.0, 1_000)), 1_201)).isTrue();
        assertThat(detector.saturated(Endpoints.pool(Endpoints.withoutMetrics("n")), 1_000)).isTrue();
    }

    @Test
    void requestsSentSinceTheScrapeCount() {
        var e = endpoint("a", 3, 0.1, 1_000);
        e.load().started();
        e.load().started();
        assertThat(detector.saturated(Endpoints.pool(e), 1_000)).isTrue();
    }

    @Test
    void thresholdsAreValidated() {
        assertThatThrownBy(() -> new SaturationDetector(0, 0.8, 200)).hasMessageContaining("queue");
        assertThatThrownBy(() -> new SaturationDetector(5, 1.2, 200)).hasMessageContaining("kv-cache");
    }
}
