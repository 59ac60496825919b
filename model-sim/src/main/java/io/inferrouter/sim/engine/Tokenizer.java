package io.inferrouter.sim.engine;

import io.inferrouter.schemas.tokens.SimTokenizer;

/**
 * The simulator's tokenizer: schemas' {@link SimTokenizer}, which the gateway uses too, so that a
 * router computes the very token ids (and so block hashes) a simulated pod caches and publishes.
 * Whitespace-separated words cut into pieces of four characters, each piece's id a hash of its text
 * reduced to the vocabulary.
 */
public final class Tokenizer {

    /** Llama 3's vocabulary: 128,000 byte-pair tokens and 256 special ones. */
    public static final int VOCAB_SIZE = SimTokenizer.VOCAB_SIZE;

    private Tokenizer() {
    }

    public static int[] encode(String text) {
        return SimTokenizer.encode(text);
    }
}
