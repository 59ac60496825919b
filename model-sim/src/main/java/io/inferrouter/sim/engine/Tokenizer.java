package io.inferrouter.sim.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic stand-in for a real tokenizer: whitespace-separated words, long words cut into
 * pieces of four characters; each piece's id is a hash of its text reduced to the vocabulary, so
 * ids are in {@code [0, VOCAB_SIZE)} as a real tokenizer's are and equal pieces get equal ids. It
 * counts tokens and feeds the prefix cache's block hashes (and the KV events' {@code token_ids}), so
 * equal text prefixes give equal cached blocks, as with a real tokenizer.
 */
public final class Tokenizer {

    static final int MAX_PIECE = 4;
    /** Llama 3's vocabulary: 128,000 byte-pair tokens and 256 special ones. */
    public static final int VOCAB_SIZE = 128_256;

    private Tokenizer() {
    }

    public static int[] encode(String text) {
        List<Integer> ids = new ArrayList<>(text.length() / 4 + 1);
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            for (int p = start; p < i; p += MAX_PIECE) {
                ids.add(id(text.substring(p, Math.min(i, p + MAX_PIECE))));
            }
        }
        int[] out = new int[ids.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = ids.get(k);
        }
        return out;
    }

    /** The piece's id: its String hash, mixed so that nearby hashes spread, modulo the vocabulary. */
    static int id(String piece) {
        int h = piece.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        return Integer.remainderUnsigned(h, VOCAB_SIZE);
    }
}
