package io.inferrouter.sim.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic stand-in for a real tokenizer: whitespace-separated words, long words cut into
 * pieces of four characters; each piece's id is its hash. It counts tokens and feeds the prefix
 * cache's block hashes, so equal text prefixes give equal cached blocks, as with a real tokenizer.
 */
public final class Tokenizer {

    static final int MAX_PIECE = 4;

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
                ids.add(text.substring(p, Math.min(i, p + MAX_PIECE)).hashCode());
            }
        }
        int[] out = new int[ids.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = ids.get(k);
        }
        return out;
    }
}
