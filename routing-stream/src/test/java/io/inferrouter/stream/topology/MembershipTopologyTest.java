package io.inferrouter.stream.topology;

import static io.inferrouter.stream.topology.Resources.pod;
import static io.inferrouter.stream.topology.Resources.pool;
import static io.inferrouter.stream.topology.Resources.terminating;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MembershipTopologyTest {

    private static final Map<String, String> LLAMA = Map.of("app", "llama");
    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void readyPodMatchingTheSelectorIsOneEndpointPerTargetPort() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000, 8001), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", Map.of("app", "llama", "x", "y"), true, 20), 20);

        Map<String, EndpointRow> rows = t.endpoints();
        assertThat(rows).containsOnlyKeys("llm/llama|llm/p0:8000", "llm/llama|llm/p0:8001");
        EndpointRow row = rows.get("llm/llama|llm/p0:8001");
        assertThat(row.hostPort()).isEqualTo("10.0.0.1:8001");
        assertThat(row.report()).isNull();
        assertThat(row.updatedAtMs()).isEqualTo(20);
        assertThat(t.pools().get("llm/llama").status()).isEqualTo(RowStatus.Accepted);
    }

    @Test
    void podArrivingBeforeItsPoolJoinsWhenThePoolAppears() {
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 5), 5);
        assertThat(t.endpoints()).isEmpty();
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        assertThat(t.endpoints()).containsOnlyKeys("llm/llama|llm/p0:8000");
    }

    @Test
    void unreadyPodLeavesThePoolAndComesBackWhenReady() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 20), 20);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, false, 30), 30);
        assertThat(t.endpoints()).isEmpty();
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 40), 40);
        assertThat(t.endpoints()).containsOnlyKeys("llm/llama|llm/p0:8000");
    }

    @Test
    void terminatingPodLeavesThePool() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        var p0 = pod("llm", "p0", "10.0.0.1", LLAMA, true, 20);
        t.pods.pipeInput("llm/p0", p0, 20);
        t.pods.pipeInput("llm/p0", terminating(p0, 30), 30);
        assertThat(t.endpoints()).isEmpty();
    }

    @Test
    void deletedPodTombstonesItsEndpointRows() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000, 8001), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 20), 20);
        t.newEndpointRecords();
        t.pods.pipeInput("llm/p0", null, 30);
        var records = t.newEndpointRecords();
        assertThat(records).hasSize(2).allMatch(r -> r.value() == null);
        assertThat(t.endpoints()).isEmpty();
    }

    @Test
    void podInAnotherNamespaceIsNotAMember() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        t.pods.pipeInput("other/p0", pod("other", "p0", "10.0.0.1", LLAMA, true, 20), 20);
        assertThat(t.endpoints()).isEmpty();
    }

    @Test
    void relabelledPodLeavesOnePoolAndJoinsAnother() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        t.pools.pipeInput("llm/qwen", pool("llm", "qwen", Map.of("app", "qwen"), 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 20), 20);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", Map.of("app", "qwen"), true, 30), 30);
        assertThat(t.endpoints()).containsOnlyKeys("llm/qwen|llm/p0:8000");
    }

    @Test
    void podMatchingTwoPoolsIsAnEndpointOfBoth() {
        t.pools.pipeInput("llm/all", pool("llm", "all", Map.of("tier", "gpu"), 10, 8000), 10);
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", Map.of("app", "llama", "tier", "gpu"), true, 20), 20);
        assertThat(t.endpoints()).containsOnlyKeys("llm/all|llm/p0:8000", "llm/llama|llm/p0:8000");
    }

    @Test
    void selectorChangeMovesPodsBetweenPools() {
        t.pools.pipeInput("llm/pool", pool("llm", "pool", LLAMA, 10, 8000), 10);
        t.pods.pipeInput("llm/a", pod("llm", "a", "10.0.0.1", LLAMA, true, 20), 20);
        t.pods.pipeInput("llm/b", pod("llm", "b", "10.0.0.2", Map.of("app", "qwen"), true, 20), 20);
        assertThat(t.endpoints()).containsOnlyKeys("llm/pool|llm/a:8000");

        t.pools.pipeInput("llm/pool", pool("llm", "pool", Map.of("app", "qwen"), 30, 8000), 30);
        assertThat(t.endpoints()).containsOnlyKeys("llm/pool|llm/b:8000");
    }

    @Test
    void targetPortChangeReplacesTheEndpoints() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 20), 20);
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 30, 9000), 30);
        assertThat(t.endpoints()).containsOnlyKeys("llm/llama|llm/p0:9000");
    }

    @Test
    void deletedPoolRemovesItsRowAndEndpoints() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 20), 20);
        t.pools.pipeInput("llm/llama", null, 30);
        assertThat(t.endpoints()).isEmpty();
        assertThat(t.pools()).isEmpty();
    }

    @Test
    void invalidPoolIsReportedAndHasNoEndpoints() {
        t.pools.pipeInput("llm/bad", pool("llm", "bad", Map.of(), 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 20), 20);
        assertThat(t.pools().get("llm/bad").status()).isEqualTo(RowStatus.Invalid);
        assertThat(t.pools().get("llm/bad").reasons()).anyMatch(r -> r.contains("selector is empty"));
        assertThat(t.endpoints()).isEmpty();

        t.pools.pipeInput("llm/ports", pool("llm", "ports", LLAMA, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9), 10);
        assertThat(t.pools().get("llm/ports").reasons()).anyMatch(r -> r.contains("1-8 ports"));
    }

    @Test
    void podIpChangeUpdatesTheEndpointAddress() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", LLAMA, true, 20), 20);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.9", LLAMA, true, 30), 30);
        assertThat(t.endpoints().get("llm/llama|llm/p0:8000").address()).isEqualTo("10.0.0.9");
    }

    @Test
    void anUnchangedPodUpdateEmitsNothing() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", LLAMA, 10, 8000), 10);
        var p0 = pod("llm", "p0", "10.0.0.1", LLAMA, true, 20);
        t.pods.pipeInput("llm/p0", p0, 20);
        t.newEndpointRecords();
        t.pods.pipeInput("llm/p0", p0, 20);
        assertThat(t.newEndpointRecords()).isEmpty();
    }

    /** Pools are indexed by the smallest key of their selector: a pod must be found whichever entry changes. */
    @Test
    void multiLabelSelectorsMatchOnEveryEntryWhicheverEntryChanges() {
        Map<String, String> gpuLlama = Map.of("app", "llama", "tier", "gpu");
        t.pools.pipeInput("llm/pool", pool("llm", "pool", gpuLlama, 10, 8000), 10);
        t.pods.pipeInput("llm/a", pod("llm", "a", "10.0.0.1", gpuLlama, true, 20), 20);
        t.pods.pipeInput("llm/b", pod("llm", "b", "10.0.0.2", LLAMA, true, 20), 20);
        t.pods.pipeInput("llm/c", pod("llm", "c", "10.0.0.3", Map.of("tier", "gpu", "zone", "z1"), true, 20), 20);
        assertThat(t.endpoints()).containsOnlyKeys("llm/pool|llm/a:8000");

        // The smallest selector key changes from "app" to "tier": c joins, a stays, b is still out.
        t.pools.pipeInput("llm/pool", pool("llm", "pool", Map.of("tier", "gpu"), 30, 8000), 30);
        assertThat(t.endpoints()).containsOnlyKeys("llm/pool|llm/a:8000", "llm/pool|llm/c:8000");

        // A pod losing the one label the pool is indexed by leaves; relabelled back, it returns.
        t.pods.pipeInput("llm/c", pod("llm", "c", "10.0.0.3", Map.of("zone", "z1"), true, 40), 40);
        assertThat(t.endpoints()).containsOnlyKeys("llm/pool|llm/a:8000");
        t.pods.pipeInput("llm/c", pod("llm", "c", "10.0.0.3", Map.of("tier", "gpu"), true, 50), 50);
        assertThat(t.endpoints()).containsOnlyKeys("llm/pool|llm/a:8000", "llm/pool|llm/c:8000");

        // Deleting the pool and bringing it back with the original selector restores exactly a.
        t.pools.pipeInput("llm/pool", null, 60);
        assertThat(t.endpoints()).isEmpty();
        t.pools.pipeInput("llm/pool", pool("llm", "pool", gpuLlama, 70, 8000), 70);
        assertThat(t.endpoints()).containsOnlyKeys("llm/pool|llm/a:8000");
    }

    @Test
    void manyPoolsInOneNamespaceEachSelectOnlyTheirPods() {
        for (int p = 0; p < 50; p++) {
            t.pools.pipeInput("llm/pool-" + p, pool("llm", "pool-" + p, Map.of("app", "pool-" + p), 10, 8000), 10);
            for (int i = 0; i < 3; i++) {
                t.pods.pipeInput("llm/p" + p + "-" + i, pod("llm", "p" + p + "-" + i, "10.0." + p + "." + i,
                        Map.of("app", "pool-" + p, "shared", "yes"), true, 20), 20);
            }
        }
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (int p = 0; p < 50; p++) {
            for (int i = 0; i < 3; i++) {
                expected.add("llm/pool-" + p + "|llm/p" + p + "-" + i + ":8000");
            }
        }
        assertThat(t.endpoints().keySet()).isEqualTo(expected);
    }

    @Test
    void resourceUpdatesApplyInTopicOrderNotByTheirObservedTime() {
        // given a ready pod in a pool
        t.pools.pipeInput("llm/llama", pool("llm", "llama", Map.of("app", "llama"), 10, 8000), 10);
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", Map.of("app", "llama"), true, 50), 50);

        // when a later record on the topic says unready, though stamped as observed earlier
        t.pods.pipeInput("llm/p0", pod("llm", "p0", "10.0.0.1", Map.of("app", "llama"), false, 40), 60);

        // then the later record wins: the single ingestor writes each resource topic in API-server order,
        // so the topic's order is the truth (resourceVersion is opaque and may not be compared)
        assertThat(t.endpoints()).isEmpty();
    }

    @Test
    void tombstonesForKeysNeverSeenAreHarmless() {
        t.pools.pipeInput("llm/ghost", null, 1);
        t.pods.pipeInput("llm/ghost", null, 1);
        t.models.pipeInput("llm/ghost", null, 1);
        t.objectives.pipeInput("llm/ghost", null, 1);
        t.rewrites.pipeInput("llm/ghost", null, 1);
        t.routes.pipeInput("llm/ghost", null, 1);
        t.endpointMetrics.pipeInput("llm/ghost:8000", null, 1);
        assertThat(t.allTablesAsWritten().values()).allMatch(Map::isEmpty);
        assertThat(t.metrics.processingErrors).hasValue(0);
    }
}
