package io.inferrouter.schemas.kv;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.List;
import java.util.Objects;

/**
 * What the {@code kv.events} topic carries, keyed by {@link #endpoint()} so that one endpoint's
 * records stay in order: a batch of the endpoint's own KV-cache events, a snapshot of every block
 * it holds, or a reset. state-ingestor writes them; every gateway replica folds them, in order, into
 * its index of which endpoint holds which blocks.
 * <ul>
 * <li>{@link Kind#BATCH}: one vLLM {@code KVEventBatch} as the pod published it ({@link #seq()} is
 *     the pod's sequence number); apply {@link #events()} in order.</li>
 * <li>{@link Kind#SNAPSHOT}: every block the endpoint holds after the pod's batch {@link #seq()};
 *     replaces what is known of the endpoint. Written periodically, so that a reader starting
 *     anywhere in the topic's retention gets each endpoint whole from its latest snapshot on.</li>
 * <li>{@link Kind#RESET}: what the endpoint holds is unknown or gone from here on ({@link #reason()}:
 *     the pod restarted, a gap could not be replayed, the endpoint left its pool); forget it.</li>
 * </ul>
 *
 * @param pool             the endpoint's pool
 * @param seq              the pod's batch sequence number (BATCH, SNAPSHOT: the last applied), -1 if none
 * @param ts               the pod's batch time in seconds since the epoch (BATCH), else 0
 * @param dataParallelRank the publishing engine's data-parallel rank, or null
 * @param events           BATCH only, else empty
 * @param blocks           SNAPSHOT only (hashes as {@link KvBlockEvent#hex}), else empty
 * @param reason           RESET only: why, for people; else null
 * @param observedAtMs     when state-ingestor received (BATCH) or wrote (SNAPSHOT, RESET) it
 * @param source           {@code state-ingestor:<instance>}
 */
public record KvEventsRecord(EndpointId endpoint, ResourceKey pool, Kind kind, long seq, double ts,
                             Integer dataParallelRank, List<KvBlockEvent> events, List<String> blocks, String reason,
                             long observedAtMs, String source) {

    public enum Kind { BATCH, SNAPSHOT, RESET }

    public KvEventsRecord {
        Objects.requireNonNull(endpoint, "endpoint is required");
        Objects.requireNonNull(pool, "pool is required");
        Objects.requireNonNull(kind, "kind is required");
        events = events == null ? List.of() : List.copyOf(events);
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
        if (kind != Kind.BATCH && !events.isEmpty()) {
            throw new IllegalArgumentException("only a BATCH carries events, this is a " + kind);
        }
        if (kind != Kind.SNAPSHOT && !blocks.isEmpty()) {
            throw new IllegalArgumentException("only a SNAPSHOT carries blocks, this is a " + kind);
        }
        for (String b : blocks) {
            KvBlockEvent.parse(b);
        }
    }

    public static KvEventsRecord batch(EndpointId endpoint, ResourceKey pool, long seq, KvEventBatch batch,
                                       long observedAtMs, String source) {
        return new KvEventsRecord(endpoint, pool, Kind.BATCH, seq, batch.ts(), batch.dataParallelRank(),
                batch.events().stream().map(KvBlockEvent::of).toList(), List.of(), null, observedAtMs, source);
    }

    public static KvEventsRecord snapshot(EndpointId endpoint, ResourceKey pool, long seq, long[] blocks,
                                          long observedAtMs, String source) {
        List<String> hex = new java.util.ArrayList<>(blocks.length);
        for (long b : blocks) {
            hex.add(KvBlockEvent.hex(b));
        }
        return new KvEventsRecord(endpoint, pool, Kind.SNAPSHOT, seq, 0, null, List.of(), hex, null, observedAtMs,
                source);
    }

    public static KvEventsRecord reset(EndpointId endpoint, ResourceKey pool, String reason, long observedAtMs,
                                       String source) {
        return new KvEventsRecord(endpoint, pool, Kind.RESET, -1, 0, null, List.of(), List.of(),
                Objects.requireNonNull(reason, "a reset needs a reason"), observedAtMs, source);
    }
}
