package io.inferrouter.gateway.scheduler;

import net.openhft.hashing.LongHashFunction;

/**
 * Chained hashes of a prompt's full blocks, as a prefix cache sees them: block i's hash covers
 * block i and, through its parent, everything before it, so equal hashes mean equal prefixes.
 * Blocks are counted in characters (about 4 per token, so a 16-token KV block is 64 characters).
 * The model name seeds the chain: the same text for another model or adapter shares no cache.
 */
public final class PromptBlocks {

    /** Characters per token assumed when turning a KV block size into characters. */
    public static final int CHARS_PER_TOKEN = 4;

    private static final LongHashFunction SEED_HASH = LongHashFunction.xx3();

    private PromptBlocks() {
    }

    /**
     * @param blockChars characters per block
     * @param maxBlocks  at most this many leading blocks are hashed (long prompts are cut)
     */
    public static long[] hash(String prompt, String model, int blockChars, int maxBlocks) {
        int blocks = Math.min(prompt.length() / blockChars, maxBlocks);
        long[] out = new long[blocks];
        long parent = SEED_HASH.hashChars(model);
        for (int i = 0; i < blocks; i++) {
            parent = LongHashFunction.xx3(parent).hashChars(prompt, i * blockChars, blockChars);
            out[i] = parent;
        }
        return out;
    }
}
