package io.inferrouter.sim.engine;

import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.kv.ExternalBlockHash;
import io.inferrouter.schemas.kv.KvEvent;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.Consumer;

/**
 * vLLM's paged KV cache with automatic prefix caching. A block holds {@code blockSize} tokens; a full
 * block is known by its chained hash (vLLM's {@code sha256_cbor} hash, see {@code BlockHasher}).
 * Freed blocks go to the end of an LRU free list and keep their hash until they are reused, so a
 * later request with the same prefix can take them back without recomputing. Reusing a hashed block
 * evicts its hash and reports a {@code BlockRemoved}, as vLLM's block pool does.
 *
 * <p>One block per hash: a block that becomes full with a hash already cached (two requests computed
 * the same prefix in one step) stays unhashed, so no hash is announced twice nor removed while a
 * copy is still cached. vLLM keeps such duplicates and reports both.
 *
 * <p>Keyed by the whole digest ({@link BlockHash} equality compares all its bytes), so no two
 * prefixes can share an entry. Not thread-safe: the engine thread owns it.
 */
public final class KvCache {

    private final int numBlocks;
    private final int[] refCount;
    private final BlockHash[] hash;
    private final LinkedHashSet<Integer> free = new LinkedHashSet<>();
    private final Map<BlockHash, Integer> byHash = new HashMap<>();
    private final Consumer<KvEvent> events;

    public KvCache(int numBlocks) {
        this(numBlocks, e -> {
        });
    }

    /** @param events told of each eviction of a hashed block */
    public KvCache(int numBlocks, Consumer<KvEvent> events) {
        this.numBlocks = numBlocks;
        this.refCount = new int[numBlocks];
        this.hash = new BlockHash[numBlocks];
        this.events = events;
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

    /** Blocks that hold a hash (in use or free but not yet reused). */
    public int cachedBlocks() {
        return byHash.size();
    }

    /** Fraction of blocks in use by requests (what vLLM reports as kv_cache_usage_perc). */
    public double usage() {
        return 1.0 - (double) free.size() / numBlocks;
    }

    /** How many of the leading block hashes are cached (in use or free but not yet reused). */
    public int cachedPrefix(BlockHash[] blockHashes, int maxBlocks) {
        int n = 0;
        while (n < blockHashes.length && n < maxBlocks && byHash.containsKey(blockHashes[n])) {
            n++;
        }
        return n;
    }

    /** How many of these cached blocks sit in the free list (taking them back uses up free blocks). */
    public int freeAmong(BlockHash[] blockHashes, int count) {
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
    public int take(BlockHash blockHash) {
        int b = byHash.get(blockHash);
        if (refCount[b] == 0) {
            free.remove(b);
        }
        refCount[b]++;
        return b;
    }

    /** A fresh block from the least recently freed; its old hash, if any, is evicted. */
    public int allocate() {
        var it = free.iterator();
        if (!it.hasNext()) {
            throw new IllegalStateException("no free KV block");
        }
        int b = it.next();
        it.remove();
        if (hash[b] != null) {
            byHash.remove(hash[b], b);
            events.accept(KvEvent.BlockRemoved.onGpu(new ExternalBlockHash.Digest(hash[b])));
            hash[b] = null;
        }
        refCount[b] = 1;
        return b;
    }

    /**
     * Records that block {@code b} now holds the full block with this hash.
     *
     * @return true when the hash is new to the cache; false when {@code b} already has a hash (taken
     *         from the cache) or another block holds this one
     */
    public boolean commit(int b, BlockHash blockHash) {
        if (hash[b] != null || byHash.containsKey(blockHash)) {
            return false;
        }
        hash[b] = blockHash;
        byHash.put(blockHash, b);
        return true;
    }

    public void release(int b) {
        if (--refCount[b] == 0) {
            free.add(b);
        }
    }

    /** Every block free and unhashed, as in a fresh process (vLLM reports it as AllBlocksCleared). */
    public void reset() {
        free.clear();
        byHash.clear();
        for (int i = 0; i < numBlocks; i++) {
            refCount[i] = 0;
            hash[i] = null;
            free.add(i);
        }
    }
}
