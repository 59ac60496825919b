package io.inferrouter.stream.topology;

import static io.inferrouter.stream.topology.Resources.metrics;
import static io.inferrouter.stream.topology.Resources.pod;
import static io.inferrouter.stream.topology.Resources.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RobustnessTopologyTest {

    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void aPoisonRecordOnEveryInputIsCountedAndSkipped() {
        for (Topic<?, ?> topic : Topics.sources()) {
            t.raw(topic).pipeInput("llm/x", "{not json".getBytes(StandardCharsets.UTF_8));
        }
        // The topology keeps working after them.
        t.pools.pipeInput("llm/llama", pool("llm", "llama", Map.of("app", "llama"), 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", Map.of("app", "llama"), true, 20), 20);
        assertThat(t.endpoints()).containsOnlyKeys("llm/llama|llm/p0:8000");
        for (Topic<?, ?> topic : Topics.sources()) {
            assertThat(t.metrics.poison.get(topic.name())).as(topic.name()).hasValue(1);
        }
    }

    @Test
    void aRecordWithAMalformedKeyIsSkippedAndCounted() {
        t.pools.pipeInput("no-namespace", pool("llm", "llama", Map.of("app", "llama"), 10, 8000), 10);
        t.endpointMetrics.pipeInput("llm/p0", metrics("llm/p0:8000", 1, 0.1, 5), 5);
        t.pools.pipeInput("llm/llama", pool("llm", "llama", Map.of("app", "llama"), 10, 8000), 10);
        assertThat(t.metrics.malformedKeys).hasValue(2);
        assertThat(t.pools()).containsOnlyKeys("llm/llama");
    }

    @Test
    void unkeyedRecordsAreSkipped() {
        t.pools.pipeInput(null, pool("llm", "llama", Map.of("app", "llama"), 10, 8000), 10);
        assertThat(t.pools()).isEmpty();
    }
}
