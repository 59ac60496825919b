package io.inferrouter.stream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tables.EndpointRow;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/**
 * Endpoint queries across instances, with the assignment and the peers faked: the answer is every
 * row of the pool, or a {@link QueryUnavailableException} (503), never the rows of the instances that
 * happened to answer.
 */
class TableQueriesTest {

    private static final ResourceKey LLAMA = ResourceKey.parse("llm/llama");
    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8082);
    private static final HostInfo A = new HostInfo("10.0.0.2", 8082);
    private static final HostInfo B = new HostInfo("10.0.0.3", 8082);

    private final FakeLocations locations = new FakeLocations();
    private final FakePeers peers = new FakePeers();
    // This instance holds no endpoint partitions in these tests, so its local stores are never read.
    private final TableQueries queries = new TableQueries(locations, SELF, null, peers, 6);

    @Test
    void rowsOfEveryInstanceMakeOneSortedAnswer() {
        locations.holders(new TableLocations.Holder(A, Set.of(0, 1, 2)), new TableLocations.Holder(B, Set.of(3, 4, 5)));
        peers.answer(A, row("llm/p2:8000"));
        peers.answer(B, row("llm/p1:8000"), row("llm/p3:8000"));

        List<EndpointRow> rows = queries.endpointsOf(LLAMA);

        assertThat(rows).extracting(r -> r.endpoint().toString())
                .containsExactly("llm/p1:8000", "llm/p2:8000", "llm/p3:8000");
        assertThat(peers.asked).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void aPeerThatOwnsPartitionsAndCannotBeReachedMakesTheQueryUnavailableNotPartial() {
        locations.holders(new TableLocations.Holder(A, Set.of(0, 1, 2)), new TableLocations.Holder(B, Set.of(3, 4, 5)));
        peers.answer(A, row("llm/p2:8000"));
        peers.unreachable(B);

        assertThatThrownBy(() -> queries.endpointsOf(LLAMA)).isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining(B.toString());
    }

    @Test
    void aPeerNobodyListensOnIsUnavailableThroughTheRealHttpPeers() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HostInfo gone = new HostInfo("127.0.0.1", closedPort);
        TableQueries overHttp = new TableQueries(locations, SELF, null, Peers.http(Duration.ofSeconds(1)), 6);
        locations.holders(new TableLocations.Holder(gone, Set.of(0, 1, 2, 3, 4, 5)));

        assertThatThrownBy(() -> overHttp.endpointsOf(LLAMA)).isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("did not answer");
    }

    @Test
    void aPartitionHeldByNoInstanceMakesTheQueryUnavailableWithoutAskingAnyone() {
        locations.holders(new TableLocations.Holder(A, Set.of(0, 1, 2)), new TableLocations.Holder(B, Set.of(4)));
        peers.answer(A, row("llm/p2:8000"));
        peers.answer(B);

        assertThatThrownBy(() -> queries.endpointsOf(LLAMA)).isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("[3, 5] of 6");
        assertThat(peers.asked).isEmpty();
    }

    @Test
    void anAssignmentThatMovesWhileTheQueryRunsMakesItUnavailable() {
        locations.holders(new TableLocations.Holder(A, Set.of(0, 1, 2)), new TableLocations.Holder(B, Set.of(3, 4, 5)));
        locations.thenHolders(new TableLocations.Holder(A, Set.of(0, 1, 2, 3, 4, 5)));
        peers.answer(A, row("llm/p2:8000"));
        peers.answer(B, row("llm/p3:8000"));

        assertThatThrownBy(() -> queries.endpointsOf(LLAMA)).isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("moved");
    }

    @Test
    void anInstanceWithoutActivePartitionsIsNotAsked() {
        HostInfo standbyOnly = new HostInfo("10.0.0.4", 8082);
        locations.holders(new TableLocations.Holder(A, Set.of(0, 1, 2, 3, 4, 5)),
                new TableLocations.Holder(standbyOnly, Set.of()));
        peers.answer(A, row("llm/p2:8000"));
        peers.unreachable(standbyOnly);

        assertThat(queries.endpointsOf(LLAMA)).hasSize(1);
        assertThat(peers.asked).containsExactly(A);
    }

    @Test
    void nothingIsAnsweredUntilTheStreamsClientIsRunning() {
        locations.state = KafkaStreams.State.REBALANCING;
        locations.holders(new TableLocations.Holder(A, Set.of(0, 1, 2, 3, 4, 5)));

        assertThatThrownBy(() -> queries.endpointsOf(LLAMA)).isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("REBALANCING");
        assertThatThrownBy(queries::controlPlaneOwner).isInstanceOf(QueryUnavailableException.class);
    }

    @Test
    void noControlPlaneOwnerIsUnavailableAndAnotherOwnerIsForwardedTo() {
        assertThatThrownBy(queries::controlPlaneOwner).isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("no instance owns");
        locations.controlPlaneOwner = A;
        assertThat(queries.controlPlaneOwner()).contains(A);
        locations.controlPlaneOwner = SELF;
        assertThat(queries.controlPlaneOwner()).isEmpty();
    }

    private static EndpointRow row(String endpoint) {
        return new EndpointRow(LLAMA, EndpointId.parse(endpoint), "10.1.0.1", 8000, Map.of(), null, 1);
    }

    private static final class FakeLocations implements TableLocations {
        KafkaStreams.State state = KafkaStreams.State.RUNNING;
        HostInfo controlPlaneOwner;
        private List<Holder> first = List.of();
        private List<Holder> then;
        private int calls;

        void holders(Holder... holders) {
            first = List.of(holders);
        }

        /** What the second and later reads of the assignment return. */
        void thenHolders(Holder... holders) {
            then = List.of(holders);
        }

        @Override
        public KafkaStreams.State state() {
            return state;
        }

        @Override
        public HostInfo controlPlaneOwner() {
            return controlPlaneOwner;
        }

        @Override
        public List<Holder> endpointHolders() {
            return calls++ == 0 || then == null ? first : then;
        }
    }

    private static final class FakePeers implements Peers {
        final List<HostInfo> asked = new ArrayList<>();
        private final Map<HostInfo, byte[]> answers = new ConcurrentHashMap<>();

        void answer(HostInfo host, EndpointRow... rows) {
            try {
                answers.put(host, Json.mapper().writeValueAsBytes(List.of(rows)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void unreachable(HostInfo host) {
            answers.remove(host);
        }

        @Override
        public byte[] get(HostInfo host, String pathAndQuery) {
            asked.add(host);
            byte[] body = answers.get(host);
            if (body == null) {
                // What HttpPeers throws when the connection is refused or times out.
                throw new QueryUnavailableException("instance " + host + " did not answer " + pathAndQuery
                        + ": java.net.ConnectException", null);
            }
            return body;
        }
    }
}
