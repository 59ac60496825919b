package io.inferrouter.stream.topology;

import static io.inferrouter.stream.topology.Resources.failedScrape;
import static io.inferrouter.stream.topology.Resources.metrics;
import static io.inferrouter.stream.topology.Resources.model;
import static io.inferrouter.stream.topology.Resources.objective;
import static io.inferrouter.stream.topology.Resources.pod;
import static io.inferrouter.stream.topology.Resources.pool;
import static io.inferrouter.stream.topology.Resources.poolBackend;
import static io.inferrouter.stream.topology.Resources.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.resources.TargetModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Replaying the input topics from the beginning into a fresh application rebuilds byte-identical
 * tables, even when the topics are read in another interleaving (as a real replay may do: each
 * topic keeps its own order, but not their order relative to each other). What is compared is the
 * last value written per key of every table topic, as raw bytes: what a compacted topic keeps.
 */
class ReplayTopologyTest {

    @Test
    void replayIntoAFreshApplicationRebuildsIdenticalTables() {
        List<Input> log = history();
        Map<String, Map<String, Bytes>> original = run("original", log);
        Map<String, Map<String, Bytes>> replayed = run("replay", log);
        assertThat(replayed).isEqualTo(original);
        assertThat(original.get("endpoints")).isNotEmpty();
        assertThat(original.get("models")).isNotEmpty();
    }

    @Test
    void replayReadingTheTopicsInAnotherInterleavingRebuildsIdenticalTables() {
        List<Input> log = history();
        Map<String, Map<String, Bytes>> original = run("original", log);
        for (long seed = 1; seed <= 5; seed++) {
            assertThat(run("shuffled-" + seed, interleave(log, new Random(seed)))).as("seed %d", seed)
                    .isEqualTo(original);
        }
    }

    /** Keeps each topic's own order but mixes the topics differently. */
    private static List<Input> interleave(List<Input> log, Random random) {
        Map<String, List<Input>> byTopic = new java.util.TreeMap<>();
        log.forEach(i -> byTopic.computeIfAbsent(i.topic, k -> new ArrayList<>()).add(i));
        List<java.util.ArrayDeque<Input>> queues = new ArrayList<>();
        byTopic.values().forEach(l -> queues.add(new java.util.ArrayDeque<>(l)));
        List<Input> out = new ArrayList<>();
        while (queues.stream().anyMatch(q -> !q.isEmpty())) {
            List<java.util.ArrayDeque<Input>> nonEmpty = queues.stream().filter(q -> !q.isEmpty()).toList();
            out.add(nonEmpty.get(random.nextInt(nonEmpty.size())).poll());
        }
        return out;
    }

    private static Map<String, Map<String, Bytes>> run(String applicationId, List<Input> log) {
        try (TopologyFixture t = new TopologyFixture(applicationId)) {
            log.forEach(i -> i.pipe.accept(t));
            return t.allTablesAsWritten();
        }
    }

    private record Input(String topic, Consumer<TopologyFixture> pipe) {
    }

    private static List<Input> history() {
        Map<String, String> llama = Map.of("app", "llama");
        Map<String, String> qwen = Map.of("app", "qwen");
        List<Input> log = new ArrayList<>();
        log.add(new Input("pools", t -> t.pools.pipeInput("llm/llama", pool("llm", "llama", llama, 10, 8000, 8001), 10)));
        log.add(new Input("pools", t -> t.pools.pipeInput("llm/qwen", pool("llm", "qwen", qwen, 11, 8000), 11)));
        for (int i = 0; i < 6; i++) {
            String name = "p" + i;
            Map<String, String> labels = i % 2 == 0 ? llama : qwen;
            long at = 20 + i;
            log.add(new Input("pods", t -> t.pods.pipeInput("llm/" + name, pod("llm", name, "10.0.0." + name.length(),
                    labels, true, at), at)));
        }
        log.add(new Input("pods", t -> t.pods.pipeInput("llm/p2", pod("llm", "p2", "10.0.1.2", llama, false, 40), 40)));
        log.add(new Input("pods", t -> t.pods.pipeInput("llm/p3", null, 41)));
        log.add(new Input("pools", t -> t.pools.pipeInput("llm/qwen", pool("llm", "qwen", Map.of("app", "qwen"), 50, 9000), 50)));
        Random random = new Random(42);
        for (int n = 0; n < 60; n++) {
            String ep = "llm/p" + random.nextInt(6) + ":" + (random.nextBoolean() ? 8000 : 9000);
            long at = 100 + n;
            int waiting = random.nextInt(20);
            double kv = random.nextDouble();
            boolean fail = random.nextInt(10) == 0;
            log.add(new Input("metrics", t -> t.endpointMetrics.pipeInput(ep,
                    fail ? failedScrape(ep, at) : metrics(ep, waiting, kv, at), at)));
        }
        log.add(new Input("models", t -> t.models.pipeInput("llm/b", model("llm", "b", "chat", "llama", 200,
                new TargetModel("v1", 1), new TargetModel("v2", 3)), 60)));
        log.add(new Input("models", t -> t.models.pipeInput("llm/a", model("llm", "a", "chat", "llama", 100), 61)));
        log.add(new Input("models", t -> t.models.pipeInput("llm/c", model("llm", "c", "code", "qwen", 100), 62)));
        log.add(new Input("objectives", t -> t.objectives.pipeInput("llm/batch", objective("llm", "batch", "llama", -1, 63), 63)));
        log.add(new Input("routes", t -> t.routes.pipeInput("llm/r", route("llm", "r", 64, poolBackend("llama", 3),
                poolBackend("qwen", 1), poolBackend("missing", 1)), 64)));
        Collections.unmodifiableList(log);
        return log;
    }
}
