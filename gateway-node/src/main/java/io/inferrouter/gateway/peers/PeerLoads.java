package io.inferrouter.gateway.peers;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.peers.PeerReport;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The other replicas' in-flight requests per endpoint, as each last reported them, summed over the
 * live ones into every endpoint's {@link io.inferrouter.gateway.tables.EndpointLoad}. A replica is live
 * while its latest report is younger than the timeout (by this host's clock when it arrived); a
 * report already that old when it arrives (read while catching up at start) counts for nothing.
 * Used by one thread, the peer replica's; {@link #livePeers()} may be read from any.
 */
final class PeerLoads {

    /** How often the sums are written again even when nothing changed, for endpoints new to the tables. */
    private static final long REFRESH_MS = 1_000;

    private record Peer(long heardAtMs, Map<EndpointId, Integer> inFlight) {
    }

    private final Duration timeout;
    private final Map<String, Peer> peers = new HashMap<>();
    private boolean dirty;
    private long nextRefreshMs;
    private volatile int live;

    PeerLoads(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * A peer's report arrived at {@code nowMs}: it replaces what that replica (any incarnation) said
     * before. One replica's reports share a key, so they arrive in the order it wrote them.
     */
    void report(PeerReport r, long nowMs) {
        if (nowMs - r.observedAtMs() > timeout.toMillis()) {
            return;
        }
        Map<EndpointId, Integer> counts = new HashMap<>();
        r.inFlight().forEach(f -> counts.merge(f.endpoint(), f.requests(), Integer::sum));
        peers.put(r.replica(), new Peer(nowMs, counts));
        live = peers.size();
        dirty = true;
    }

    /**
     * Drops the peers silent for the timeout and, when anything changed (or every second), writes
     * each endpoint's sum over the live peers into its load.
     */
    void tick(long nowMs, RoutingSnapshot snapshot) {
        if (peers.values().removeIf(p -> nowMs - p.heardAtMs() > timeout.toMillis())) {
            dirty = true;
            live = peers.size();
        }
        if (!dirty && nowMs < nextRefreshMs) {
            return;
        }
        Map<EndpointId, Integer> sums = new HashMap<>();
        for (Peer p : peers.values()) {
            p.inFlight().forEach((e, n) -> sums.merge(e, n, Integer::sum));
        }
        for (PoolSnapshot pool : snapshot.pools().values()) {
            for (Endpoint e : pool.endpoints()) {
                e.load().peerInFlight(sums.getOrDefault(e.id(), 0));
            }
        }
        dirty = false;
        nextRefreshMs = nowMs + REFRESH_MS;
    }

    /** Peer replicas heard from within the timeout. */
    int livePeers() {
        return live;
    }
}
