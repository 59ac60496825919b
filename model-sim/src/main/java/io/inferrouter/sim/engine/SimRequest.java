package io.inferrouter.sim.engine;

import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.kv.BlockHasher;
import java.util.ArrayList;
import java.util.List;

/** One request inside the engine. Owned by the engine thread after submission. */
public final class SimRequest {

    enum State { WAITING, RUNNING, DONE }

    final String id;
    final int[] prompt;
    final BlockHash[] blockHashes;
    final int maxTokens;
    final String lora;
    final TokenSink sink;
    final long arrivalNanos;
    final List<Integer> blocks = new ArrayList<>();
    State state = State.WAITING;
    int computed;
    int generated;
    int cachedTokens = -1;
    /** Leading blocks already in the cache under their hash: hit at admission or committed since. */
    int hashedBlocks;
    long admittedSeq;
    long firstTokenNanos;
    long lastTokenNanos;

    /** @param hasher the engine's ({@link Engine#hasher()}): the prompt's block hashes are vLLM's */
    public SimRequest(String id, int[] prompt, int maxTokens, String lora, BlockHasher hasher, int blockSize,
                      TokenSink sink, long arrivalNanos) {
        this.id = id;
        this.prompt = prompt;
        this.maxTokens = maxTokens;
        this.lora = lora;
        this.sink = sink;
        this.arrivalNanos = arrivalNanos;
        // Hashed here, on the caller's thread, so the engine thread only looks them up.
        this.blockHashes = hasher.promptHashes(prompt, blockSize, lora, null);
    }

    /** Tokens whose KV must exist before the next token can be sampled: the prompt and what was generated. */
    int contextTarget() {
        return prompt.length + generated;
    }

    boolean prefilling() {
        return computed < contextTarget();
    }
}
