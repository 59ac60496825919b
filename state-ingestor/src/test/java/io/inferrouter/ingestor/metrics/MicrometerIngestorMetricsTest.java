package io.inferrouter.ingestor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MicrometerIngestorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerIngestorMetrics metrics = new MicrometerIngestorMetrics(registry);

    @Test
    void eachTagSetIsOneCounterThatAddsUp() {
        metrics.published("k8s.pods", false);
        metrics.published("k8s.pods", false);
        metrics.published("k8s.pods", true);
        metrics.sendFailed("k8s.pods", true);
        metrics.resourceUpserted("Pod");
        metrics.resourceDeleted("Pod");
        metrics.resourceUpserted("Pod");
        metrics.scrapeFailed("timeout", 1_000);
        metrics.scrapeFailed("timeout", 1_000);

        assertThat(registry.find("ingestor_records_published").counters()).hasSize(2);
        Counter records = registry.get("ingestor_records_published").tags("topic", "k8s.pods", "kind", "record")
                .counter();
        assertThat(records.count()).isEqualTo(2);
        assertThat(records.getId().getDescription()).isEqualTo("Records acknowledged by the broker");
        assertThat(registry.get("ingestor_records_published").tags("kind", "tombstone").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("ingestor_send_failures").tags("topic", "k8s.pods", "retriable", "true").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("ingestor_resource_events").tags("kind", "Pod", "event", "upsert").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("ingestor_resource_events").tags("kind", "Pod", "event", "delete").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("ingestor_scrape_failures").tag("reason", "timeout").counter().count()).isEqualTo(2);
        assertThat(registry.get("ingestor_scrape_duration").tag("outcome", "failed").timer().count()).isEqualTo(2);
    }

    @Test
    void kvEventCountsAddUpByTheirTags() {
        metrics.kvBatch(3);
        metrics.kvBatch(2);
        metrics.kvGap();
        metrics.kvReplay("complete");
        metrics.kvReplay("unanswered");
        metrics.kvReplay("complete");
        metrics.kvReset("restart");
        metrics.kvMalformed("payload");
        metrics.kvSnapshot();
        metrics.kvDropped();
        metrics.kvPublished(2_000_000);
        metrics.kvEndpoints(Map.of("a", "1"), Map::size);

        assertThat(registry.get("ingestor_kv_batches").counter().count()).isEqualTo(2);
        assertThat(registry.get("ingestor_kv_events").counter().count()).isEqualTo(5);
        assertThat(registry.get("ingestor_kv_gaps").counter().count()).isEqualTo(1);
        assertThat(registry.get("ingestor_kv_replays").tag("outcome", "complete").counter().count()).isEqualTo(2);
        assertThat(registry.get("ingestor_kv_replays").tag("outcome", "unanswered").counter().count()).isEqualTo(1);
        assertThat(registry.get("ingestor_kv_resets").tag("reason", "restart").counter().count()).isEqualTo(1);
        assertThat(registry.get("ingestor_kv_malformed").tag("reason", "payload").counter().count()).isEqualTo(1);
        assertThat(registry.get("ingestor_kv_snapshots").counter().count()).isEqualTo(1);
        assertThat(registry.get("ingestor_kv_dropped").counter().count()).isEqualTo(1);
        assertThat(registry.get("ingestor_kv_publish_latency").timer().count()).isEqualTo(1);
        assertThat(registry.get("ingestor_kv_endpoints").gauge().value()).isEqualTo(1);
    }

    @Test
    void gaugesReadTheirObjectWhenTheMetricsAreRead() {
        AtomicBoolean leader = new AtomicBoolean(true);
        AtomicLong lastEvent = new AtomicLong();
        Map<String, String> endpoints = Map.of("a", "1", "b", "2");
        metrics.leader(leader, AtomicBoolean::get);
        metrics.lastEvent("Pod", lastEvent, AtomicLong::get);
        metrics.scrapedEndpoints(endpoints, Map::size);

        Gauge leaderGauge = registry.get("ingestor_leader").gauge();
        Gauge age = registry.get("ingestor_last_event_age_seconds").tag("kind", "Pod").gauge();
        assertThat(leaderGauge.value()).isEqualTo(1);
        assertThat(age.value()).as("no event yet").isNaN();
        assertThat(registry.get("ingestor_scrape_endpoints").gauge().value()).isEqualTo(2);

        leader.set(false);
        lastEvent.set(System.currentTimeMillis() - 5_000);
        assertThat(leaderGauge.value()).isZero();
        assertThat(age.value()).isBetween(5.0, 60.0);
    }

    @Test
    void aGaugeDoesNotKeepItsObjectAlive() {
        WeakReference<AtomicBoolean> watched = informerWatchedOnlyByTheRegistry();
        Gauge gauge = registry.get("ingestor_informer_watching").tags("kind", "Pod", "namespace", "*").gauge();

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return watched.get() == null;
        });
        assertThat(gauge.value()).as("its object was collected").isNaN();
    }

    /** In its own frame, so no local variable of the test keeps the object reachable. */
    private WeakReference<AtomicBoolean> informerWatchedOnlyByTheRegistry() {
        AtomicBoolean informer = new AtomicBoolean(true);
        metrics.informer("Pod", "*", informer, AtomicBoolean::get, AtomicBoolean::get);
        assertThat(registry.get("ingestor_informer_watching").gauge().value()).isEqualTo(1);
        assertThat(registry.get("ingestor_informer_synced").gauge().getId().getDescription())
                .isEqualTo("1 once the informer's first listing is complete");
        return new WeakReference<>(informer);
    }
}
