package io.inferrouter.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.ingestor.kube.Kinds;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.sim.api.Faults;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scraper against simulated vLLM pods (model-sim) registered as Ready pods of a pool: snapshots
 * of every endpoint on the metrics topic, a pod whose /metrics fails (500) and one that hangs
 * (timeout) published as failures with back-off, and the ingestor-side freshness, logged.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScraperIT {

    private static final Logger LOG = LoggerFactory.getLogger(ScraperIT.class);
    private static final String NS = "scrape";
    private ApiServer api;
    private SimFleet fleet;
    private int port;

    @BeforeAll
    void start() throws Exception {
        api = new ApiServer();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        fleet = SimFleet.start(new FleetConfig(3, "127.0.1.20", port, SimConfig.defaults().withTimeScale(0.05)
                .withCache(2_000), Map.of()));
        api.namespace(NS);
        api.create(Kinds.INFERENCE_POOL_V1, NS, "sim", Map.of("selector", Map.of("matchLabels", Map.of("app", "sim")),
                "targetPorts", List.of(Map.of("number", port))));
        for (int i = 0; i < 3; i++) {
            api.pod(NS, "sim-" + i, Map.of("app", "sim"), fleet.pod(i).address(), port, true);
        }
    }

    @AfterAll
    void stop() {
        fleet.close();
        api.close();
    }

    @Test
    void everyEndpointIsScrapedAndFailingOrHangingMetricsArePublishedAsFailuresWithBackoff(KafkaEndpoint kafka) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (StateIngestor ingestor = StateIngestor.start(KubeIngestIT.config(kafka, NS, "scraper"), registry,
                api.client());
             TopicRecords<EndpointMetrics> metrics = new TopicRecords<>(kafka.bootstrapServers(),
                     Topics.ENDPOINT_METRICS)) {
            String ep0 = NS + "/sim-0:" + port;
            String ep1 = NS + "/sim-1:" + port;
            String ep2 = NS + "/sim-2:" + port;
            await().atMost(Duration.ofSeconds(20)).until(() -> List.of(ep0, ep1, ep2).stream()
                    .allMatch(ep -> metrics.latest(ep) != null && !metrics.latest(ep).failed()));
            EndpointMetrics ok = metrics.latest(ep0);
            assertThat(ok.report().engineType()).isEqualTo("vllm");
            assertThat(ok.report().cache().blockSize()).isEqualTo(16);
            assertThat(ok.report().cache().numGpuBlocks()).isEqualTo(2_000);
            assertThat(ok.report().load().kvCacheUsage()).isBetween(0.0, 1.0);
            assertThat(ok.address()).isEqualTo(fleet.pod(0).address());

            fleet.pod(1).faults().metrics(Faults.MetricsMode.FAIL);
            fleet.pod(2).faults().metrics(Faults.MetricsMode.HANG);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> metrics.latest(ep1).failed()
                        && metrics.latest(ep2).failed());
                assertThat(metrics.latest(ep1).report().scrape().error()).contains("HTTP 500");
                assertThat(metrics.latest(ep2).report().scrape().error()).isEqualTo("timed out");
                assertThat(metrics.latest(ep2).report().scrape().lastSuccessAtMs()).as("staleness is visible downstream")
                        .isPositive().isLessThan(metrics.latest(ep2).observedAtMs());
                assertThat(metrics.latest(ep0).failed()).as("a failing neighbour does not affect the others").isFalse();

                // Back-off: while sim-1 keeps failing it is scraped far less often than the healthy sim-0.
                int ok0 = metrics.values(ep0).size();
                int failed1 = metrics.values(ep1).size();
                await().atMost(Duration.ofSeconds(10)).until(() -> metrics.values(ep0).size() - ok0 >= 60);
                assertThat(metrics.values(ep1).size() - failed1).isLessThan(20);
                assertThat(registry.scrape()).contains("ingestor_scrape_failures_total{reason=\"http_status\"")
                        .contains("ingestor_scrape_failures_total{reason=\"timeout\"")
                        .contains("ingestor_scrape_duration_seconds_bucket");
            } finally {
                fleet.pod(1).faults().clear();
                fleet.pod(2).faults().clear();
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> !metrics.latest(ep1).failed()
                    && !metrics.latest(ep2).failed());
            logFreshness(metrics.all().stream().filter(r -> r.key().equals(ep0) && r.value() != null).toList());
        }
    }

    /** Scrape end to consumer receipt, and the gap between snapshots of one endpoint: logged for the README. */
    private static void logFreshness(List<TopicRecords.Rec<EndpointMetrics>> records) {
        long[] lag = records.stream().mapToLong(r -> r.receivedAtMs() - r.value().observedAtMs()).sorted().toArray();
        long[] gaps = new long[Math.max(0, records.size() - 1)];
        for (int i = 1; i < records.size(); i++) {
            gaps[i - 1] = records.get(i).value().observedAtMs() - records.get(i - 1).value().observedAtMs();
        }
        java.util.Arrays.sort(gaps);
        assertThat(lag).isNotEmpty();
        assertThat(lag[0]).as("received after observed").isGreaterThanOrEqualTo(0);
        LOG.info("freshness snapshots={} scrapeToConsumerMs p50={} p99={} max={} gapBetweenSnapshotsMs p50={} p99={}",
                lag.length, lag[lag.length / 2], lag[(int) (lag.length * 0.99)], lag[lag.length - 1],
                gaps.length == 0 ? 0 : gaps[gaps.length / 2], gaps.length == 0 ? 0 : gaps[(int) (gaps.length * 0.99)]);
    }
}
