package io.inferrouter.stream.topology;

import static io.inferrouter.stream.topology.Resources.pool;
import static io.inferrouter.stream.topology.Resources.poolBackend;
import static io.inferrouter.stream.topology.Resources.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouteTopologyTest {

    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void aRouteResolvesItsPoolBackendsWithWeights() {
        t.pools.pipeInput("llm/a", pool("llm", "a", Map.of("app", "a"), 10, 8000), 10);
        t.pools.pipeInput("llm/b", pool("llm", "b", Map.of("app", "b"), 10, 8000), 10);
        t.routes.pipeInput("llm/r", route("llm", "r", 20, poolBackend("a", 80), poolBackend("b", 20)), 20);
        RouteRow row = t.routes().get("llm/r");
        assertThat(row.status()).isEqualTo(RowStatus.Accepted);
        assertThat(row.rules().get(0).pools()).containsExactly(
                new RouteRow.WeightedPool(ResourceKey.parse("llm/a"), 80),
                new RouteRow.WeightedPool(ResourceKey.parse("llm/b"), 20));
    }

    @Test
    void aMissingPoolMakesTheRouteUnresolvedUntilItAppears() {
        t.pools.pipeInput("llm/a", pool("llm", "a", Map.of("app", "a"), 10, 8000), 10);
        t.routes.pipeInput("llm/r", route("llm", "r", 20, poolBackend("a", 80), poolBackend("b", 20)), 20);
        RouteRow row = t.routes().get("llm/r");
        assertThat(row.status()).isEqualTo(RowStatus.UnresolvedRefs);
        assertThat(row.rules().get(0).pools()).containsExactly(
                new RouteRow.WeightedPool(ResourceKey.parse("llm/a"), 80));
        assertThat(row.reasons()).anyMatch(r -> r.contains("llm/b does not exist"));

        t.pools.pipeInput("llm/b", pool("llm", "b", Map.of("app", "b"), 30, 8000), 30);
        assertThat(t.routes().get("llm/r").status()).isEqualTo(RowStatus.Accepted);
    }

    @Test
    void serviceBackendsAreIgnoredWithAReason() {
        t.pools.pipeInput("llm/a", pool("llm", "a", Map.of("app", "a"), 10, 8000), 10);
        t.routes.pipeInput("llm/r", route("llm", "r", 20, poolBackend("a", 1),
                new HttpRoute.BackendRef(null, "Service", null, "svc", 80, 1)), 20);
        RouteRow row = t.routes().get("llm/r");
        assertThat(row.status()).isEqualTo(RowStatus.Accepted);
        assertThat(row.reasons()).anyMatch(r -> r.contains("Service svc is ignored"));
    }

    @Test
    void aTombstoneOfAnExistingRouteRemovesItsRowForGood() {
        // given a resolved route and a second one
        t.pools.pipeInput("llm/a", pool("llm", "a", Map.of("app", "a"), 10, 8000), 10);
        t.routes.pipeInput("llm/r", route("llm", "r", 20, poolBackend("a", 1)), 20);
        t.routes.pipeInput("llm/other", route("llm", "other", 20, poolBackend("a", 1)), 20);
        assertThat(t.routes()).containsOnlyKeys("llm/r", "llm/other");

        // when it is deleted, and then the pool it pointed at is deleted and created again
        t.routes.pipeInput("llm/r", null, 30);
        Map<String, RouteRow> afterDelete = t.routes();
        t.pools.pipeInput("llm/a", null, 40);
        t.pools.pipeInput("llm/a", pool("llm", "a", Map.of("app", "a"), 50, 8000), 50);

        // then its row is gone and stays gone; the other route follows its pool
        assertThat(afterDelete).containsOnlyKeys("llm/other");
        assertThat(t.routes()).containsOnlyKeys("llm/other");
        assertThat(t.routes().get("llm/other").status()).isEqualTo(RowStatus.Accepted);
    }
}
