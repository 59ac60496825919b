package io.inferrouter.gateway.kv;

import io.inferrouter.schemas.kv.KvBlockEvent;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.EndpointId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which KV-cache blocks every endpoint holds, folded from the {@code kv.events} records in their log
 * order: per endpoint a set of 64-bit block hashes ({@link EndpointBlocks}). A SNAPSHOT replaces the
 * endpoint's blocks (a new set, filled, then swapped in whole), a BATCH applies its events in order
 * (STORED adds, REMOVED drops, CLEARED empties), a RESET forgets the endpoint. An endpoint is known from its first record to its reset.
 *
 * <p>One thread applies records ({@link KvEventsReplica}'s); requests read lock-free: a
 * {@link ConcurrentHashMap} lookup per candidate, then that endpoint's set per block. Scoring a
 * request walks each candidate's set from the first block while it holds them, which costs what
 * following a block-to-holders map would (one probe per held block and candidate, plus one per
 * candidate) without keeping that second map: a block's hash is stored once per endpoint holding it.
 * Each endpoint keeps at most {@code maxBlocksPerEndpoint} blocks, its oldest stored dropped first.
 */
public final class KvBlockIndex {

    private final int maxBlocksPerEndpoint;
    private final Map<EndpointId, EndpointBlocks> endpoints = new ConcurrentHashMap<>();
    private final LongAdder evicted = new LongAdder();
    private volatile long records;

    public KvBlockIndex(int maxBlocksPerEndpoint) {
        if (maxBlocksPerEndpoint < 1) {
            throw new IllegalArgumentException("max blocks per endpoint must be >= 1, was " + maxBlocksPerEndpoint);
        }
        this.maxBlocksPerEndpoint = maxBlocksPerEndpoint;
    }

    /** What is known of {@code endpoint}'s cache, or null when it has published nothing (or was reset). */
    public EndpointBlocks endpoint(EndpointId endpoint) {
        return endpoints.get(endpoint);
    }

    /** Folds one record in. Called by one thread only, in the log's order per endpoint. */
    public void apply(KvEventsRecord r) {
        records++;
        switch (r.kind()) {
            case RESET -> endpoints.remove(r.endpoint());
            case SNAPSHOT -> {
                long[] hashes = new long[r.blocks().size()];
                for (int i = 0; i < hashes.length; i++) {
                    hashes[i] = KvBlockEvent.parse(r.blocks().get(i));
                }
                EndpointBlocks before = endpoints.get(r.endpoint());
                endpoints.put(r.endpoint(), (before != null ? before
                        : new EndpointBlocks(r.endpoint(), maxBlocksPerEndpoint, evicted)).refilled(hashes));
            }
            case BATCH -> {
                EndpointBlocks e = blocks(r.endpoint());
                for (KvBlockEvent event : r.events()) {
                    switch (event.type()) {
                        case STORED -> e.stored(event.hashValues(), event.blockSize(), event.loraName());
                        case REMOVED -> e.removed(event.hashValues());
                        case CLEARED -> e.cleared();
                    }
                }
            }
        }
    }

    private EndpointBlocks blocks(EndpointId id) {
        return endpoints.computeIfAbsent(id, e -> new EndpointBlocks(e, maxBlocksPerEndpoint, evicted));
    }

    public int maxBlocksPerEndpoint() {
        return maxBlocksPerEndpoint;
    }

    /** Endpoints known. */
    public int endpointCount() {
        return endpoints.size();
    }

    /** Blocks held, summed over endpoints (a block two endpoints hold counts twice). */
    public long blockCount() {
        long n = 0;
        for (EndpointBlocks e : endpoints.values()) {
            n += e.size();
        }
        return n;
    }

    /** Blocks dropped because their endpoint was at its cap, since start. */
    public long evictedCount() {
        return evicted.sum();
    }

    /** The index's arrays in bytes (most of its memory; objects per endpoint are not counted). */
    public long arrayBytes() {
        long n = 0;
        for (EndpointBlocks e : endpoints.values()) {
            n += e.arrayBytes();
        }
        return n;
    }

    /** Records applied. */
    public long recordsApplied() {
        return records;
    }
}
