package io.inferrouter.gateway.tokens;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A tokenizer's added tokens ({@code <|begin_of_text|>}, {@code <|eot_id|>}, ...), which Hugging
 * Face's tokenizers cuts out of the text before anything else, whether or not special tokens are
 * added: the leftmost match, the longest at a place. A quick first-character test keeps the scan
 * cheap for text that holds none.
 */
final class AddedTokens {

    /** One added token. */
    record Token(String content, int id) {
    }

    private final List<Token> longestFirst;
    private final long[] firstChars = new long[1024];
    private final int maxLength;

    AddedTokens(List<Token> tokens) {
        List<Token> sorted = new ArrayList<>(tokens);
        sorted.removeIf(t -> t.content().isEmpty());
        sorted.sort(Comparator.comparingInt((Token t) -> t.content().length()).reversed());
        this.longestFirst = List.copyOf(sorted);
        int max = 0;
        for (Token t : sorted) {
            char c = t.content().charAt(0);
            firstChars[c >>> 6] |= 1L << c;
            max = Math.max(max, t.content().length());
        }
        this.maxLength = max;
    }

    /** The longest added token's length in chars; 0 when there are none. */
    int maxLength() {
        return maxLength;
    }

    /** The first place at or after {@code from} where an added token starts, or -1; {@link #matchAt} says which. */
    int next(String text, int from) {
        if (longestFirst.isEmpty()) {
            return -1;
        }
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((firstChars[c >>> 6] & (1L << c)) != 0 && matchAt(text, i) != null) {
                return i;
            }
        }
        return -1;
    }

    /** The longest added token at {@code at}, or null. */
    Token matchAt(String text, int at) {
        for (Token t : longestFirst) {
            if (text.startsWith(t.content(), at)) {
                return t;
            }
        }
        return null;
    }
}
