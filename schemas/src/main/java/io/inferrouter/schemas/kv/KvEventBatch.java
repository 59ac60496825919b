package io.inferrouter.schemas.kv;

import java.util.List;
import java.util.Objects;

/**
 * vLLM's {@code KVEventBatch}: the events of one engine step, published as one ZMQ message.
 *
 * @param ts               {@code ts}: when the step ran, in seconds since the epoch
 * @param dataParallelRank {@code data_parallel_rank}: the publishing engine's rank, or null
 */
public record KvEventBatch(double ts, List<KvEvent> events, Integer dataParallelRank) {

    public KvEventBatch {
        events = List.copyOf(Objects.requireNonNull(events, "events"));
        if (!Double.isFinite(ts)) {
            throw new IllegalArgumentException("ts must be a finite number of seconds, was " + ts);
        }
    }

    /** This batch with every block hash in the 64-bit integer form (vLLM's default). */
    public KvEventBatch withInt64Hashes() {
        return new KvEventBatch(ts, events.stream().map(KvEvent::withInt64Hashes).toList(), dataParallelRank);
    }
}
