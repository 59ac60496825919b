package io.inferrouter.gateway.kv;

import io.inferrouter.schemas.metrics.EndpointId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one endpoint's KV cache holds, as its events told: a {@link BlockSet} that requests read
 * without locks, and, for the writer only, the blocks in the order they were stored, so that beyond
 * {@code maxBlocks} the oldest stored goes first (counted). vLLM reports the blocks it evicts itself;
 * the cap bounds memory when events were lost or a server holds more than the gateway should keep.
 * A block removed and stored again counts from its new store: each store has a sequence number, and
 * an order entry whose number is no longer the block's is skipped (and dropped when entries outnumber
 * blocks two to one).
 */
public final class EndpointBlocks {

    /** Adapter names remembered per endpoint; more are not learnt (they would only be a hint). */
    static final int MAX_LORA_NAMES = 64;

    private final EndpointId id;
    private final int maxBlocks;
    private final BlockSet blocks = new BlockSet();
    /** Store order, oldest at {@code head}: hashes and their store's sequence number. Writer only. */
    private long[] orderHashes = new long[16];
    private int[] orderSeqs = new int[16];
    private int head;
    private int count;
    private int nextSeq = 1;
    private volatile int blockSize;
    private volatile Set<String> loraNames = Set.of();
    private final LongAdder evictedTotal;
    private volatile long evicted;

    /** @param evictedTotal counts evictions over every endpoint */
    EndpointBlocks(EndpointId id, int maxBlocks, LongAdder evictedTotal) {
        this.id = id;
        this.maxBlocks = maxBlocks;
        this.evictedTotal = evictedTotal;
    }

    public EndpointId id() {
        return id;
    }

    /** Blocks held. */
    public int size() {
        return blocks.size();
    }

    public boolean holds(long hash) {
        return blocks.contains(hash);
    }

    /** How many of {@code hashes}, from the first, this endpoint holds without a gap. Lock-free. */
    public int leadingRun(long[] hashes) {
        int n = 0;
        while (n < hashes.length && blocks.contains(hashes[n])) {
            n++;
        }
        return n;
    }

    /** Tokens per block, as its last stored blocks said; 0 before any. */
    public int blockSize() {
        return blockSize;
    }

    /** True when blocks were stored under this LoRA adapter's name. */
    public boolean knowsAdapter(String loraName) {
        return loraNames.contains(loraName);
    }

    /** Blocks dropped because the endpoint had {@code maxBlocks}. */
    public long evicted() {
        return evicted;
    }

    /** Bytes of this endpoint's arrays (the set and the store order). */
    long arrayBytes() {
        return blocks.arrayBytes() + orderHashes.length * 12L;
    }

    void stored(long[] hashes, Integer size, String loraName) {
        if (size != null && size > 0) {
            blockSize = size;
        }
        if (loraName != null && !loraNames.contains(loraName) && loraNames.size() < MAX_LORA_NAMES) {
            Set<String> grown = new HashSet<>(loraNames);
            grown.add(loraName);
            loraNames = Set.copyOf(grown);
        }
        for (long h : hashes) {
            store(h);
        }
    }

    void removed(long[] hashes) {
        for (long h : hashes) {
            blocks.remove(h);
        }
    }

    void cleared() {
        blocks.clear();
        orderHashes = new long[16];
        orderSeqs = new int[16];
        head = 0;
        count = 0;
    }

    /**
     * A new set holding exactly {@code hashes}, stored in that order, with what this one learnt of the
     * block size and adapters (a snapshot carries neither). Filled before anyone can read it: the index
     * swaps it in whole, so that a request never sees an endpoint half refilled.
     */
    EndpointBlocks refilled(long[] hashes) {
        EndpointBlocks fresh = new EndpointBlocks(id, maxBlocks, evictedTotal);
        fresh.blockSize = blockSize;
        fresh.loraNames = loraNames;
        for (long h : hashes) {
            fresh.store(h);
        }
        return fresh;
    }

    private void store(long hash) {
        int seq = nextSeq++;
        if (nextSeq == 0) {
            nextSeq = 1;
        }
        blocks.put(hash, seq);
        append(hash, seq);
        while (blocks.size() > maxBlocks) {
            evictOldest();
        }
    }

    private void evictOldest() {
        while (count > 0) {
            int i = head;
            head = (head + 1) % orderHashes.length;
            count--;
            if (blocks.seq(orderHashes[i]) == orderSeqs[i]) {
                blocks.remove(orderHashes[i]);
                evicted++;
                evictedTotal.increment();
                return;
            }
        }
    }

    private void append(long hash, int seq) {
        if (count == orderHashes.length) {
            if (count >= 2 * Math.max(blocks.size(), 8)) {
                compact();
            } else {
                grow();
            }
        }
        int i = (head + count) % orderHashes.length;
        orderHashes[i] = hash;
        orderSeqs[i] = seq;
        count++;
    }

    /** Drops order entries whose block was removed or stored again since, keeping the order. */
    private void compact() {
        int n = 0;
        int capacity = Math.max(16, 2 * blocks.size());
        long[] hashes = new long[capacity];
        int[] seqs = new int[capacity];
        for (int k = 0; k < count; k++) {
            int i = (head + k) % orderHashes.length;
            if (blocks.seq(orderHashes[i]) == orderSeqs[i]) {
                hashes[n] = orderHashes[i];
                seqs[n] = orderSeqs[i];
                n++;
            }
        }
        orderHashes = hashes;
        orderSeqs = seqs;
        head = 0;
        count = n;
        if (count == orderHashes.length) {
            grow();
        }
    }

    private void grow() {
        int capacity = orderHashes.length * 2;
        long[] hashes = new long[capacity];
        int[] seqs = new int[capacity];
        for (int k = 0; k < count; k++) {
            int i = (head + k) % orderHashes.length;
            hashes[k] = orderHashes[i];
            seqs[k] = orderSeqs[i];
        }
        orderHashes = hashes;
        orderSeqs = seqs;
        head = 0;
    }

    @Override
    public String toString() {
        return "EndpointBlocks[" + id + ", " + size() + " blocks]";
    }

    /** For tests: the order entries' hashes, oldest first. */
    long[] storeOrder() {
        long[] out = new long[count];
        for (int k = 0; k < count; k++) {
            out[k] = orderHashes[(head + k) % orderHashes.length];
        }
        return Arrays.copyOf(out, count);
    }
}
