package io.inferrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.kv.KvBlockIndex;
import io.inferrouter.gateway.kv.KvEventsReplica;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.gateway.tables.Tables;
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
}
