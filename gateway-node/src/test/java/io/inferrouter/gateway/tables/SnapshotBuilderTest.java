package io.inferrouter.gateway.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotBuilderTest {

    private final SnapshotBuilder builder = new SnapshotBuilder(GatewayMetrics.NOOP);

    private static final ResourceKey POOL = Endpoints.POOL;
    private static final EndpointId A = Endpoints.id("a");
    private static final EndpointId B = Endpoints.id("b");

    private static EndpointRow row(String pod, int waiting, long at) {
        EngineReport report = EngineReport.scraped("vllm", EngineLoad.of(waiting, 0, 0.1),
                new CacheGeometry(32, 100, 0L, 0L), 1, at, "t");
        return new EndpointRow(POOL, Endpoints.id(pod), "127.0.1.1", 8000, Map.of(), report, at);
    }

    @Test
    void snapshotsAreNewValuesAndOldOnesStayAsTheyWere() {
        builder.endpoint(POOL, A, row("a", 1, 10));
        RoutingSnapshot first = builder.build();
        builder.endpoint(POOL, B, row("b", 1, 10));
        RoutingSnapshot second = builder.build();
        assertThat(first.pools().get(POOL).endpoints()).hasSize(1);
        assertThat(second.pools().get(POOL).endpoints()).hasSize(2);
        assertThat(second.version()).isGreaterThan(first.version());
        assertThat(second.pools().get(POOL).blockSizeTokens()).isEqualTo(32);
        assertThat(builder.build()).isSameAs(second);
    }

    @Test
    void theLiveLoadCounterSurvivesMetricsUpdatesAndIsRebasedByThem() {
        builder.endpoint(POOL, A, row("a", 1, 10));
        Endpoint before = builder.build().pools().get(POOL).endpoints().get(0);
        before.load().started();
        before.load().started();
        assertThat(before.waitingEstimate()).isEqualTo(3);
        builder.endpoint(POOL, A, row("a", 4, 20));
        Endpoint after = builder.build().pools().get(POOL).endpoints().get(0);
        assertThat(after.load()).isSameAs(before.load());
        assertThat(after.load().inFlight()).isEqualTo(2);
        assertThat(after.waitingEstimate()).isEqualTo(4);
    }

    @Test
    void anEndpointLeavingItsPoolIsReportedOnceWithItsPool() {
        java.util.List<String> left = new java.util.ArrayList<>();
        SnapshotBuilder b = new SnapshotBuilder(GatewayMetrics.NOOP, (pool, endpoint) -> left.add(pool + "|" + endpoint));
        b.endpoint(POOL, A, row("a", 1, 10));
        b.endpoint(POOL, A, null);
        b.endpoint(POOL, A, null);
        b.endpoint(POOL, Endpoints.id("never"), null);
        assertThat(left).containsExactly("llm/pool|llm/a:8000");
    }

    @Test
    void removingTheLastEndpointAndThePoolRemovesThePool() {
        builder.endpoint(POOL, A, row("a", 1, 10));
        builder.build();
        builder.endpoint(POOL, A, null);
        assertThat(builder.build().pools()).isEmpty();
    }

    @Test
    void onlyAcceptedModelsAreRoutable() {
        ResourceKey a = ResourceKey.of("llm", "a");
        ResourceKey b = ResourceKey.of("llm", "b");
        builder.model(a, new ModelRow(a, POOL, "chat", Criticality.Standard, List.of(),
                RowStatus.Accepted, List.of(), 1, 1));
        builder.model(b, new ModelRow(b, POOL, "chat", Criticality.Standard, List.of(),
                RowStatus.ModelNameInUse, List.of(), 2, 2));
        assertThat(builder.build().modelsByName().get("chat")).extracting(ModelRow::resource).containsExactly(a);
    }
}
