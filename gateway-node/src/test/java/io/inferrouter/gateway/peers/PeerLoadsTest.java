package io.inferrouter.gateway.peers;

import static io.inferrouter.gateway.tables.Endpoints.endpoint;
import static io.inferrouter.gateway.tables.Endpoints.id;
import static io.inferrouter.gateway.tables.Endpoints.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.Endpoints;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.schemas.peers.PeerReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerLoadsTest {

    private static final long T = 1_790_000_000_000L;

    private final Endpoint a = endpoint("a", 0, 0.1, T);
    private final Endpoint b = endpoint("b", 0, 0.1, T);
    private final RoutingSnapshot snapshot = new RoutingSnapshot(Map.of(Endpoints.POOL, pool(a, b)), Map.of(),
            Map.of(), Map.of(), List.of(), 1);
    private final PeerLoads loads = new PeerLoads(Duration.ofSeconds(3));

    private static PeerReport report(String replica, String incarnation, long atMs, Map<String, Integer> inFlight) {
        return new PeerReport(replica, incarnation, 0, inFlight.entrySet().stream()
                .map(e -> new PeerReport.InFlight(id(e.getKey()), e.getValue())).toList(), List.of(), atMs,
                "gateway:" + replica);
    }

    @Test
    void theLivePeersCountsAreSummedIntoEachEndpointsLoadOnTopOfItsOwn() {
        a.load().started();
        loads.report(report("g1", "x", T, Map.of("a", 2, "b", 1)), T + 5);
        loads.report(report("g2", "y", T, Map.of("a", 3)), T + 5);
        loads.tick(T + 10, snapshot);
        assertThat(a.load().peerInFlight()).isEqualTo(5);
        assertThat(a.load().inFlight()).isEqualTo(6);
        assertThat(a.load().ownInFlight()).isEqualTo(1);
        assertThat(b.load().inFlight()).isEqualTo(1);
        assertThat(loads.livePeers()).isEqualTo(2);

        // A later report is whole: an endpoint left out has nothing in flight from that replica.
        loads.report(report("g1", "x", T + 20, Map.of("b", 4)), T + 25);
        loads.tick(T + 30, snapshot);
        assertThat(a.load().peerInFlight()).isEqualTo(3);
        assertThat(b.load().peerInFlight()).isEqualTo(4);
    }

    @Test
    void aReplicaSilentForTheTimeoutDropsOutAndItsCountsWithIt() {
        loads.report(report("g1", "x", T, Map.of("a", 2)), T);
        loads.report(report("g2", "y", T, Map.of("a", 1)), T);
        loads.tick(T, snapshot);
        loads.report(report("g2", "y", T + 2_500, Map.of("a", 1)), T + 2_500);
        loads.tick(T + 3_000, snapshot);
        assertThat(a.load().peerInFlight()).as("both heard within 3 s").isEqualTo(3);

        loads.tick(T + 3_001, snapshot);
        assertThat(a.load().peerInFlight()).as("g1 silent for more than 3 s").isEqualTo(1);
        assertThat(loads.livePeers()).isEqualTo(1);
        loads.tick(T + 5_501, snapshot);
        assertThat(a.load().peerInFlight()).isZero();
        assertThat(loads.livePeers()).isZero();
    }

    @Test
    void aReportAlreadyOlderThanTheTimeoutWhenReadCountsForNothing() {
        // Read while catching up at start: that replica's requests are long over.
        loads.report(report("g1", "x", T, Map.of("a", 7)), T + 3_001);
        loads.tick(T + 3_001, snapshot);
        assertThat(a.load().peerInFlight()).isZero();
        assertThat(loads.livePeers()).isZero();
    }

    @Test
    void aRestartedReplicaReplacesItsEarlierLife() {
        loads.report(report("g1", "old", T, Map.of("a", 7)), T);
        loads.report(report("g1", "new", T + 100, Map.of()), T + 100);
        loads.tick(T + 100, snapshot);
        assertThat(a.load().peerInFlight()).isZero();
        assertThat(loads.livePeers()).isEqualTo(1);
    }

    @Test
    void anEndpointNewToTheTablesGetsTheSumsWithinASecondEvenWhenNoReportChanged() {
        loads.report(report("g1", "x", T, Map.of("c", 2)), T);
        loads.tick(T, snapshot);
        Endpoint c = endpoint("c", 0, 0.1, T);
        RoutingSnapshot grown = new RoutingSnapshot(Map.of(Endpoints.POOL, pool(a, b, c)), Map.of(), Map.of(), Map.of(),
                List.of(), 2);
        loads.tick(T + 500, grown);
        assertThat(c.load().peerInFlight()).isZero();
        loads.tick(T + 1_000, grown);
        assertThat(c.load().peerInFlight()).isEqualTo(2);
    }
}
