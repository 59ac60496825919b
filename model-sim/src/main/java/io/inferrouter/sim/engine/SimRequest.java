package io.inferrouter.sim.engine;

import java.util.ArrayList;
import java.util.List;

/** One request inside the engine. Owned by the engine thread after submission. */
public final class SimRequest {

    enum State { WAITING, RUNNING, DONE }

    final String id;
    final int[] prompt;
    final long[] blockHashes;
    final int maxTokens;
    final String lora;
    final TokenSink sink;
    final long arrivalNanos;
    final List<Integer> blocks = new ArrayList<>();
    State state = State.WAITING;
    int computed;
    int generated;
    int cachedTokens = -1;
    long admittedSeq;
    long firstTokenNanos;
    long lastTokenNanos;

    public SimRequest(String id, int[] prompt, int maxTokens, String lora, int blockSize, TokenSink sink,
                      long arrivalNanos) {
        this.id = id;
        this.prompt = prompt;
        this.maxTokens = maxTokens;
        this.lora = lora;
        this.sink = sink;
        this.arrivalNanos = arrivalNanos;
        this.blockHashes = blockHashes(prompt, lora, blockSize);
    }

    /** Tokens whose KV must exist before the next token can be sampled: the prompt and what was generated. */
    int contextTarget() {
        return prompt.length + generated;
    }

    boolean prefilling() {
        return computed < contextTarget();
    }

    /** Chained hashes of the prompt's full blocks: parent hash, the block's token ids, the LoRA. */
    static long[] blockHashes(int[] tokens, String lora, int blockSize) {
        int full = tokens.length / blockSize;
        long[] out = new long[full];
        long parent = lora == null ? 0x9E3779B97F4A7C15L : lora.hashCode() * 0x9E3779B97F4A7C15L;
        for (int b = 0; b < full; b++) {
            long h = parent;
            for (int i = b * blockSize; i < (b + 1) * blockSize; i++) {
                h = (h ^ tokens[i]) * 0x100000001B3L;
                h ^= h >>> 29;
            }
            out[b] = h;
            parent = h;
        }
        return out;
    }
}
