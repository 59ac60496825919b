package io.inferrouter.schemas.traces;

import java.util.Objects;

/**
 * One request of a workload trace, as a replay drives it: when it arrives, which model, how long its
 * prompt and its answer are, and what its prompt is made of, as content ids of fixed-size token
 * blocks (equal ids in equal positions are equal content, so two requests whose ids start alike share
 * a prefix). Read from a Mooncake trace file or from a window of recorded routing decisions.
 *
 * @param timestampMs  arrival, in ms from any origin (a trace's start, or epoch ms); replays order by it
 * @param model        the model asked for, or null when the trace does not say (the replay's default)
 * @param inputLength  prompt tokens, >= 0
 * @param outputLength answer tokens, >= 1
 * @param hashIds      content ids of the prompt's leading blocks of {@code blockTokens} tokens, in order
 * @param blockTokens  tokens per block that one id names (512 in Mooncake's traces), >= 1
 */
public record TraceRequest(long timestampMs, String model, int inputLength, int outputLength, long[] hashIds,
                           int blockTokens) {

    public TraceRequest {
        if (inputLength < 0) {
            throw new IllegalArgumentException("input_length must be >= 0, was " + inputLength);
        }
        if (outputLength < 1) {
            throw new IllegalArgumentException("output_length must be >= 1, was " + outputLength);
        }
        if (blockTokens < 1) {
            throw new IllegalArgumentException("block size must be >= 1 token, was " + blockTokens);
        }
        hashIds = Objects.requireNonNull(hashIds, "hash_ids").clone();
    }

    /** The ids; a copy, the record stays immutable. */
    @Override
    public long[] hashIds() {
        return hashIds.clone();
    }

    /** How many ids there are, without copying them. */
    public int blocks() {
        return hashIds.length;
    }

    /** The id of block {@code i}. */
    public long hashId(int i) {
        return hashIds[i];
    }
}
