package io.inferrouter.stream.topology;

import static io.inferrouter.stream.topology.Resources.failedScrape;
import static io.inferrouter.stream.topology.Resources.metrics;
import static io.inferrouter.stream.topology.Resources.pod;
import static io.inferrouter.stream.topology.Resources.pool;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsTopologyTest {

    private static final Map<String, String> LLAMA = Map.of("app", "llama");
    private final TopologyFixture t = new TopologyFixture();

    @BeforeEach
    void twoPodsInAPool() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 20), 20);
        t.pods.pipeInput("llm/p1", pod("llm", "p1", "10.0.0.2", LLAMA, true, 20), 20);
        t.newEndpointRecords();
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void metricsJoinTheirEndpointRow() {
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 4, 0.5, 100), 100);
        var row = t.endpoints().get("llm/llama|llm/p0:8000");
        assertThat(row.report().load().waitingRequests()).isEqualTo(4);
        assertThat(row.report().load().kvCacheUsage()).isEqualTo(0.5);
        assertThat(row.updatedAtMs()).isEqualTo(100);
    }

    @Test
    void aMetricsUpdateTouchesOnlyThatEndpointsRow() {
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 4, 0.5, 100), 100);
        var written = t.newEndpointRecords();
        assertThat(written).hasSize(1);
        assertThat(written.get(0).key()).isEqualTo("llm/llama|llm/p0:8000");
    }

    @Test
    void metricsForAnUnknownPodAreKeptUntilItJoins() {
        t.endpointMetrics.pipeInput("llm/p9:8000", metrics("llm/p9:8000", 7, 0.1, 100), 100);
        assertThat(t.newEndpointRecords()).isEmpty();
        assertThat(t.metrics.withoutMembership).hasValue(1);
        t.pods.pipeInput("llm/p9", pod("llm", "p9", "10.0.0.9", LLAMA, true, 110), 110);
        assertThat(t.endpoints().get("llm/llama|llm/p9:8000").report().load().waitingRequests()).isEqualTo(7);
    }

    @Test
    void aPodDeletedWhileItsMetricsStillArriveGetsNoRowBack() {
        t.pods.pipeInput("llm/p0", null, 100);
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 4, 0.5, 110), 110);
        assertThat(t.endpoints()).containsOnlyKeys("llm/llama|llm/p1:8000");
    }

    @Test
    void outOfOrderMetricsAreDropped() {
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 4, 0.5, 200), 200);
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 9, 0.9, 150), 150);
        assertThat(t.endpoints().get("llm/llama|llm/p0:8000").report().load().waitingRequests()).isEqualTo(4);
        assertThat(t.metrics.outOfOrder).hasValue(1);
    }

    @Test
    void aFailedScrapeKeepsTheLastGoodValuesAndShowsTheFailure() {
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 4, 0.5, 200), 200);
        t.endpointMetrics.pipeInput("llm/p0:8000", failedScrape("llm/p0:8000", 300), 300);
        var m = t.endpoints().get("llm/llama|llm/p0:8000").report();
        assertThat(m.scrape().error()).isEqualTo("timed out");
        assertThat(m.load().waitingRequests()).isEqualTo(4);
        assertThat(m.scrape().lastSuccessAtMs()).isEqualTo(200);
        assertThat(m.observedAtMs()).isEqualTo(300);
    }

    @Test
    void metricsOfEndpointsLongGoneFromEveryPoolAreForgotten() {
        t.endpointMetrics.pipeInput("llm/gone:8000", metrics("llm/gone:8000", 1, 0.1, 1_000), 1_000);
        long later = 1_000 + Duration.ofMinutes(12).toMillis();
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 2, 0.2, later), later);
        assertThat(t.metrics.forgotten).hasValue(1);
        t.pods.pipeInput("llm/gone", pod("llm", "gone", "10.0.0.7", LLAMA, true, later + 1), later + 1);
        assertThat(t.endpoints().get("llm/llama|llm/gone:8000").report()).isNull();
    }

    @Test
    void anEndpointInTwoPoolsGetsTheMetricsInBoth() {
        t.pools.pipeInput("llm/gpu", pool("llm", "gpu", Map.of("tier", "gpu"), 30, 8000), 30);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", Map.of("app", "llama", "tier", "gpu"), true, 40), 40);
        t.newEndpointRecords();
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 3, 0.3, 100), 100);
        assertThat(t.newEndpointRecords()).extracting(r -> r.key())
                .containsExactlyInAnyOrder("llm/gpu|llm/p0:8000", "llm/llama|llm/p0:8000");
    }

    @Test
    void aMetricsTombstoneForAKnownEndpointClearsItsMetricsButKeepsItsRow() {
        // given both endpoints with metrics
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 4, 0.5, 100), 100);
        t.endpointMetrics.pipeInput("llm/p1:8000", metrics("llm/p1:8000", 6, 0.6, 100), 100);
        t.newEndpointRecords();

        // when the metrics of one are tombstoned
        t.endpointMetrics.pipeInput("llm/p0:8000", null, 200);

        // then only its row is rewritten, still a member of the pool, without metrics
        var written = t.newEndpointRecords();
        assertThat(written).hasSize(1);
        assertThat(written.get(0).key()).isEqualTo("llm/llama|llm/p0:8000");
        assertThat(written.get(0).value()).as("the endpoint is still in the pool").isNotNull();
        assertThat(written.get(0).value().report()).isNull();
        assertThat(t.endpoints().get("llm/llama|llm/p1:8000").report().load().waitingRequests()).isEqualTo(6);

        // and the next snapshot, even one observed before the deleted one, is applied
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 2, 0.2, 150), 210);
        assertThat(t.endpoints().get("llm/llama|llm/p0:8000").report().load().waitingRequests()).isEqualTo(2);
        assertThat(t.metrics.outOfOrder).hasValue(0);
    }
}
