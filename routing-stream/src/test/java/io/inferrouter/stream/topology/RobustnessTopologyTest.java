package io.inferrouter.stream.topology;

import static io.inferrouter.stream.topology.Resources.metrics;
import static io.inferrouter.stream.topology.Resources.pod;
import static io.inferrouter.stream.topology.Resources.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.topics.DeadLetterHeaders;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
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
    void anUnreadableRecordOnEveryInputGoesToDeadLettersAsItWasWithTheReason() {
        // given one unreadable record on each input topic, with a header of its own
        for (Topic<?, ?> topic : Topics.sources()) {
            TestRecord<String, byte[]> poison = new TestRecord<>("llm/x", ("{not json for " + topic.name())
                    .getBytes(StandardCharsets.UTF_8), new RecordHeaders().add("trace", "t1".getBytes(StandardCharsets.UTF_8)));
            t.raw(topic).pipeInput(poison);
        }

        // when the dead letters are read
        List<TestRecord<String, byte[]>> letters = t.newDeadLetters();

        // then each is there once: keyed topic/partition/offset, the bytes as they were, why in headers
        assertThat(letters).extracting(TestRecord::key).containsExactlyInAnyOrderElementsOf(
                Topics.sources().stream().map(topic -> topic.name() + "/0/0").toList());
        for (TestRecord<String, byte[]> letter : letters) {
            String topic = header(letter, DeadLetterHeaders.TOPIC);
            assertThat(letter.key()).isEqualTo(topic + "/0/0");
            assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{not json for " + topic);
            assertThat(header(letter, DeadLetterHeaders.PARTITION)).isEqualTo("0");
            assertThat(header(letter, DeadLetterHeaders.OFFSET)).isEqualTo("0");
            assertThat(header(letter, DeadLetterHeaders.KEY)).isEqualTo("llm/x");
            assertThat(header(letter, DeadLetterHeaders.EXCEPTION)).isNotBlank();
            assertThat(header(letter, DeadLetterHeaders.MESSAGE)).as(topic).isNotBlank();
            assertThat(header(letter, "trace")).as("the record's own headers are kept").isEqualTo("t1");
            assertThat(t.metrics.poison.get(topic)).as("still counted: " + topic).hasValue(1);
        }
    }

    @Test
    void readableRecordsAndTombstonesNeverGoToDeadLetters() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", Map.of("app", "llama"), 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", Map.of("app", "llama"), true, 20), 20);
        t.endpointMetrics.pipeInput("llm/p0:8000", metrics("llm/p0:8000", 1, 0.1, 30), 30);
        t.pods.pipeInput("llm/p0", null, 40);
        t.pools.pipeInput("llm/llama", null, 50);
        assertThat(t.newDeadLetters()).isEmpty();
        assertThat(t.metrics.poison).isEmpty();
    }

    @Test
    void deadLetterSinksKeepTheControlPlaneAndEndpointSubTopologiesApart() {
        // One sub-topology reads the six single-partition resource topics; the other the metrics topic
        // and the membership repartition topic. A shared dead-letter sink would fuse them.
        var subtopologies = RoutingTopology.build(TopologySettings.defaults(), StreamMetrics.NOOP).describe()
                .subtopologies();
        assertThat(subtopologies).hasSize(2);
        assertThat(subtopologies).allSatisfy(s -> assertThat(s.nodes()).anyMatch(n -> n.name().endsWith("-dead-letters-sink")));
    }

    private static String header(TestRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
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
