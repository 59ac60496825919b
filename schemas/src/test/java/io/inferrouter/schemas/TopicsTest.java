package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.topics.CleanupPolicy;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
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
    void sourcesAndTablesPartitionTheCatalogue() {
        assertThat(Topics.sources()).allMatch(t -> t.name().startsWith("k8s.") || t.name().startsWith("metrics."));
        assertThat(Topics.tables()).allMatch(t -> t.name().startsWith("tables."));
        assertThat(Topics.byName("decisions")).contains(Topics.DECISIONS);
    }
}
