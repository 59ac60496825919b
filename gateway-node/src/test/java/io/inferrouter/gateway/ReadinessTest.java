package io.inferrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.kv.KvBlockIndex;
import io.inferrouter.gateway.kv.KvEventsReplica;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.peers.PeerReplica;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.gateway.tables.Tables;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    private static Tables tables(boolean ready) {
        return new Tables() {
            @Override
            public RoutingSnapshot current() {
                return RoutingSnapshot.EMPTY;
            }

            @Override
            public boolean ready() {
                return ready;
            }

            @Override
            public long lastContactMs() {
                return 0;
            }
        };
    }

    @Test
    void aGatewayThatReadsKvEventsIsNotReadyUntilItsIndexHasCaughtUp() {
        // Never started: it has not read the log, as a replica still rebuilding has not.
        try (KvEventsReplica rebuilding = new KvEventsReplica("127.0.0.1:1", new KvBlockIndex(10), GatewayMetrics.NOOP)) {
            assertThat(GatewayServer.ready(tables(true), rebuilding, null)).isFalse();
            assertThat(GatewayServer.ready(tables(false), rebuilding, null)).isFalse();
        }
        assertThat(GatewayServer.ready(tables(true), null, null)).isTrue();
        assertThat(GatewayServer.ready(tables(false), null, null)).isFalse();
    }

    @Test
    void aGatewayThatSharesWithItsPeersIsNotReadyUntilItHasReadTheirRecentReports() {
        // Never started: it has not rebuilt its prefix index from gateway.peers, as a restarted replica has not yet.
        try (PrefixIndex index = new PrefixIndex(10, 10);
             PeerReplica rebuilding = new PeerReplica("127.0.0.1:1", "gw-0", "abcd1234", index, tables(true),
                     Duration.ofSeconds(3), Duration.ofMinutes(10), 100, GatewayMetrics.NOOP)) {
            assertThat(GatewayServer.ready(tables(true), null, rebuilding)).isFalse();
        }
    }
}
