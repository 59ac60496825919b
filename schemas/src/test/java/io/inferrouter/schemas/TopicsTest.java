package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.schemas.topics.CleanupPolicy;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void topicNamesAreUnique() {
        Set<String> names = new HashSet<>();
        for (Topic<?, ?> t : Topics.all()) {
            assertThat(names.add(t.name())).as("duplicate topic %s", t.name()).isTrue();
        }
    }

    @Test
    void resourceAndTableTopicsAreCompactedAndKeptForever() {
        for (Topic<?, ?> t : Topics.all()) {
            if (t.name().startsWith("k8s.") || t.name().startsWith("tables.")) {
                assertThat(t.cleanup()).as(t.name()).isEqualTo(CleanupPolicy.COMPACT);
                assertThat(t.retentionMs()).as(t.name()).isEqualTo(-1);
            }
        }
    }

    @Test
    void tableTopicsKeepEveryVersionLongEnoughToBeReadAsOfThePast() {
        for (Topic<?, ?> t : Topics.tables()) {
            Duration expected = t == Topics.TABLE_ENDPOINTS ? Topics.ENDPOINT_TABLE_HISTORY : Topics.TABLE_HISTORY;
            assertThat(t.minCompactionLag()).as(t.name()).isEqualTo(expected);
        }
        assertThat(Topics.TABLE_HISTORY).isEqualTo(Duration.ofHours(24));
        // Rewritten at every scrape: a day of versions would be replayed by every starting gateway.
        assertThat(Topics.ENDPOINT_TABLE_HISTORY).isEqualTo(Duration.ofHours(1));
        assertThat(Topics.INFERENCE_POOLS.minCompactionLag()).isNull();
        assertThat(Topics.INFERENCE_POOLS.minCompactionLagMs()).isZero();
    }

    @Test
    void aCompactionLagIsRefusedOnATopicThatIsNotCompacted() {
        assertThatThrownBy(() -> Topics.DECISIONS.withMinCompactionLag(Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decisions").hasMessageContaining("compacted");
        assertThatThrownBy(() -> Topics.TABLE_POOLS.withMinCompactionLag(Duration.ofHours(-1)))
                .hasMessageContaining("tables.pools");
    }

    @Test
    void sourcesAndTablesPartitionTheCatalogue() {
        assertThat(Topics.sources()).extracting(Topic::name).containsExactlyInAnyOrderElementsOf(
                names(t -> t.startsWith("k8s.") || t.startsWith("metrics.")));
        assertThat(Topics.tables()).extracting(Topic::name).containsExactlyInAnyOrderElementsOf(
                names(t -> t.startsWith("tables.")));
        assertThat(Topics.tables()).hasSize(6);
        assertThat(Topics.byName("decisions")).contains(Topics.DECISIONS);
    }

    @Test
    void kvEventsFollowMetricsAreKeyedByEndpointAndOutliveNoSnapshotInterval() {
        assertThat(Topics.all().indexOf(Topics.KV_EVENTS)).isEqualTo(Topics.all().indexOf(Topics.ENDPOINT_METRICS) + 1);
        assertThat(Topics.KV_EVENTS.keyFormat()).isEqualTo("namespace/pod:port");
        assertThat(Topics.KV_EVENTS.cleanup()).isEqualTo(CleanupPolicy.DELETE);
        assertThat(Topics.KV_EVENTS.retention()).isEqualTo(java.time.Duration.ofMinutes(30));
        // Only the gateway reads it: routing-stream's topology must not see it among its inputs.
        assertThat(Topics.sources()).doesNotContain(Topics.KV_EVENTS);
    }

    private static java.util.List<String> names(java.util.function.Predicate<String> which) {
        return Topics.all().stream().map(Topic::name).filter(which).toList();
    }
}
