package io.inferrouter.gateway.scheduler;

import net.openhft.hashing.LongHashFunction;

/**
 * Chained hashes of a prompt's full blocks, as a prefix cache sees them: block i's hash covers
 * block i and, through its parent, everything before it, so equal hashes mean equal prefixes.
 * Blocks are counted in characters (about 4 per token, so a 16-token KV block is 64 characters).
 * The model name seeds the chain: the same text for another model or adapter shares no cache.
 *
 * <p>One shared, unseeded XXH3 hashes each block in place (no substring, no function per block);
 * the parent is chained in by a 64-bit finalizer over {@code parent ^ blockHash}. The values live
 * only in this gateway's in-memory prefix index, so they may change between versions.
 */
public final class PromptBlocks {

    /** Characters per token assumed when turning a KV block size into characters. */
    public static final int CHARS_PER_TOKEN = 4;

    private static final LongHashFunction XX3 = LongHashFunction.xx3();

    private PromptBlocks() {
    }

    /**
     * @param blockChars characters per block
     * @param maxBlocks  at most this many leading blocks are hashed (long prompts are cut)
     */
    public static long[] hash(String prompt, String model, int blockChars, int maxBlocks) {
        int blocks = Math.min(prompt.length() / blockChars, maxBlocks);
        long[] out = new long[blocks];
        long parent = XX3.hashChars(model);
        for (int i = 0; i < blocks; i++) {
            parent = mix(parent ^ XX3.hashChars(prompt, i * blockChars, blockChars));
            out[i] = parent;
        }
        return out;
    }

    /** Stafford's variant 13 of MurmurHash3's finalizer (SplitMix64's): each input bit moves every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
