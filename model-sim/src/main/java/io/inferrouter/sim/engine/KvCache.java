package io.inferrouter.sim.engine;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * vLLM's paged KV cache with automatic prefix caching. A block holds {@code blockSize} tokens; a full
 * block is known by its chained hash (parent block's hash, its tokens, the LoRA). Freed blocks go to
 * the end of an LRU free list and keep their hash until they are reused, so a later request with
 * the same prefix can take them back without recomputing. Not thread-safe: the engine thread owns it.
 */
public final class KvCache {

    private final int numBlocks;
    private final int[] refCount;
    private final long[] hash;
    private final boolean[] hashed;
    private final LinkedHashSet<Integer> free = new LinkedHashSet<>();
    private final Map<Long, Integer> byHash = new HashMap<>();

    public KvCache(int numBlocks) {
        this.numBlocks = numBlocks;
        this.refCount = new int[numBlocks];
        this.hash = new long[numBlocks];
        this.hashed = new boolean[numBlocks];
        for (int i = 0; i < numBlocks; i++) {
            free.add(i);
        }
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int freeBlocks() {
        return free.size();
    }

    /** Fraction of blocks in use by requests (what vLLM reports as kv_cache_usage_perc). */
    public double usage() {
        return 1.0 - (double) free.size() / numBlocks;
    }

    /** How many of the leading block hashes are cached (in use or free but not yet reused). */
    public int cachedPrefix(long[] blockHashes, int maxBlocks) {
        int n = 0;
        while (n < blockHashes.length && n < maxBlocks && byHash.containsKey(blockHashes[n])) {
            n++;
        }
        return n;
    }

    /** How many of these cached blocks sit in the free list (taking them back uses up free blocks). */
    public int freeAmong(long[] blockHashes, int count) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            Integer b = byHash.get(blockHashes[i]);
            if (b != null && refCount[b] == 0) {
                n++;
            }
        }
        return n;
    }

    /** Takes a cached block by hash (caller checked it is cached). */
    public int take(long blockHash) {
        int b = byHash.get(blockHash);
        if (refCount[b] == 0) {
            free.remove(b);
        }
        refCount[b]++;
        return b;
    }

    /** A fresh block from the least recently freed; its old hash, if any, is forgotten. */
    public int allocate() {
        var it = free.iterator();
        if (!it.hasNext()) {
            throw new IllegalStateException("no free KV block");
        }
        int b = it.next();
        it.remove();
        if (hashed[b]) {
            byHash.remove(hash[b], b);
            hashed[b] = false;
        }
        refCount[b] = 1;
        return b;
    }

    /** Records that block {@code b} now holds the full block with this hash. */
    public void commit(int b, long blockHash) {
        if (hashed[b] || byHash.containsKey(blockHash)) {
            return;
        }
        hash[b] = blockHash;
        hashed[b] = true;
        byHash.put(blockHash, b);
    }

    public void release(int b) {
        if (--refCount[b] == 0) {
            free.add(b);
        }
    }
}
