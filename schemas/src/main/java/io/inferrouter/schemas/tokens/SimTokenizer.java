package io.inferrouter.schemas.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;

/**
 * The simulated fleet's tokenizer, shared by model-sim (which caches and publishes blocks of these
 * ids) and the gateway (which must compute the same ids to match a request against those blocks).
 * A deterministic stand-in for a real tokenizer: whitespace-separated words
 * ({@link Character#isWhitespace(char)}), each cut into pieces of {@value #MAX_PIECE} UTF-16 chars from
 * its start; a piece's id is its {@link String#hashCode()}, mixed, modulo {@value #VOCAB_SIZE}, so
 * ids lie in the range a Llama 3 tokenizer's do and equal pieces get equal ids.
 *
 * <p>Also the text a simulated server tokenizes for a request ({@link #completionPrompt},
 * {@link #chatPrompt}): a chat request's messages become {@code role + ": " + content + "\n"} each, a
 * prompt array its items one per line. Stateless and thread-safe.
 */
public final class SimTokenizer {

    /** Longest piece of a word, in UTF-16 chars. */
    public static final int MAX_PIECE = 4;
    /** Llama 3's vocabulary: 128,000 byte-pair tokens and 256 special ones. */
    public static final int VOCAB_SIZE = 128_256;
    /** The role of a chat message that names none (absent or null). */
    public static final String DEFAULT_ROLE = "user";

    private SimTokenizer() {
    }

    /** The ids of every piece of {@code text}. */
    public static int[] encode(CharSequence text) {
        return encode(text, Integer.MAX_VALUE);
    }

    /** The ids of the first {@code maxTokens} pieces of {@code text}. */
    public static int[] encode(CharSequence text, int maxTokens) {
        int n = text.length();
        int[] out = new int[(int) Math.min(maxTokens, n / 2 + 1L)];
        int count = 0;
        int i = 0;
        while (i < n && count < maxTokens) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            for (int p = start; p < i && count < maxTokens; p += MAX_PIECE) {
                if (count == out.length) {
                    out = Arrays.copyOf(out, Math.min(maxTokens, out.length * 2 + 1));
                }
                out[count++] = id(text, p, Math.min(i, p + MAX_PIECE));
            }
        }
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    /** The id of the piece {@code text[from, to)}: its String hash, mixed so that nearby hashes spread. */
    public static int id(CharSequence text, int from, int to) {
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + text.charAt(k);
        }
        h *= 0x9E3779B9;
        h ^= h >>> 16;
        return Integer.remainderUnsigned(h, VOCAB_SIZE);
    }

    /**
     * The text a simulated server tokenizes for a completions body's {@code prompt}: a string as it is,
     * an array's items one per line (each followed by a newline; strings as they are, anything else in
     * its compact JSON form), another scalar as its text; null when there is no prompt.
     */
    public static String completionPrompt(JsonNode body) {
        JsonNode p = body.get("prompt");
        if (p == null || p.isNull()) {
            return null;
        }
        if (p.isArray()) {
            StringBuilder b = new StringBuilder();
            p.forEach(x -> b.append(x.isTextual() ? x.asText() : x.toString()).append('\n'));
            return b.toString();
        }
        return p.asText();
    }

    /**
     * The text a simulated server tokenizes for a chat body's {@code messages}: per message its role
     * ({@value #DEFAULT_ROLE} when absent or null), {@code ": "}, its content (a string, or the
     * {@code text} of each part of an array; anything else adds nothing) and a newline. Null when
     * {@code messages} is not a non-empty array.
     */
    public static String chatPrompt(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode m : messages) {
            b.append(m.path("role").asText(DEFAULT_ROLE)).append(": ");
            JsonNode c = m.get("content");
            if (c != null && c.isTextual()) {
                b.append(c.asText());
            } else if (c != null && c.isArray()) {
                c.forEach(part -> b.append(part.path("text").asText("")));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
