package io.inferrouter.gateway.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotBuilderTest {

    private final SnapshotBuilder builder = new SnapshotBuilder(GatewayMetrics.NOOP);

    private static EndpointRow row(String pod, int waiting, long at) {
        String id = "llm/" + pod + ":8000";
        EndpointMetrics m = new EndpointMetrics(id, "127.0.1.1", 8000, "vllm", waiting, 0, 0.1, List.of(), List.of(),
                null, 32, 100, 0L, 0L, 1, null, at, at, "t");
        return new EndpointRow("llm/pool", id, "127.0.1.1", 8000, Map.of(), m, at);
    }

    @Test
    void snapshotsAreNewValuesAndOldOnesStayAsTheyWere() {
        builder.endpoint("llm/pool|llm/a:8000", row("a", 1, 10));
        RoutingSnapshot first = builder.build();
        builder.endpoint("llm/pool|llm/b:8000", row("b", 1, 10));
        RoutingSnapshot second = builder.build();
        assertThat(first.pools().get("llm/pool").endpoints()).hasSize(1);
        assertThat(second.pools().get("llm/pool").endpoints()).hasSize(2);
        assertThat(second.version()).isGreaterThan(first.version());
        assertThat(second.pools().get("llm/pool").blockSizeTokens()).isEqualTo(32);
        assertThat(builder.build()).isSameAs(second);
    }

    @Test
    void theLiveLoadCounterSurvivesMetricsUpdatesAndIsRebasedByThem() {
        builder.endpoint("llm/pool|llm/a:8000", row("a", 1, 10));
        Endpoint before = builder.build().pools().get("llm/pool").endpoints().get(0);
        before.load().started();
        before.load().started();
        assertThat(before.waitingEstimate()).isEqualTo(3);
        builder.endpoint("llm/pool|llm/a:8000", row("a", 4, 20));
        Endpoint after = builder.build().pools().get("llm/pool").endpoints().get(0);
        assertThat(after.load()).isSameAs(before.load());
        assertThat(after.load().inFlight()).isEqualTo(2);
        assertThat(after.waitingEstimate()).isEqualTo(4);
    }

    @Test
    void anEndpointLeavingItsPoolIsReportedOnceWithItsPool() {
        java.util.List<String> left = new java.util.ArrayList<>();
        SnapshotBuilder b = new SnapshotBuilder(GatewayMetrics.NOOP, (pool, endpoint) -> left.add(pool + "|" + endpoint));
        b.endpoint("llm/pool|llm/a:8000", row("a", 1, 10));
        b.endpoint("llm/pool|llm/a:8000", null);
        b.endpoint("llm/pool|llm/a:8000", null);
        b.endpoint("llm/pool|llm/never:8000", null);
        assertThat(left).containsExactly("llm/pool|llm/a:8000");
    }

    @Test
    void removingTheLastEndpointAndThePoolRemovesThePool() {
        builder.endpoint("llm/pool|llm/a:8000", row("a", 1, 10));
        builder.build();
        builder.endpoint("llm/pool|llm/a:8000", null);
        assertThat(builder.build().pools()).isEmpty();
    }

    @Test
    void onlyAcceptedModelsAreRoutable() {
        builder.model("llm/a", new ModelRow("llm/a", "llm/pool", "chat", Criticality.Standard, List.of(),
                RowStatus.Accepted, List.of(), 1, 1));
        builder.model("llm/b", new ModelRow("llm/b", "llm/pool", "chat", Criticality.Standard, List.of(),
                RowStatus.ModelNameInUse, List.of(), 2, 2));
        assertThat(builder.build().modelsByName().get("chat")).extracting(ModelRow::resource).containsExactly("llm/a");
    }
}
