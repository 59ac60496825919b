package io.inferrouter.admin.whatif;

import io.inferrouter.schemas.tokens.SimTokenizer;
import io.inferrouter.schemas.traces.TraceRequest;
import java.nio.CharBuffer;

/**
 * Prompt text and token ids for trace requests, which name their content only by block ids. Each id
 * stands for fixed content: block {@code i} of a request is {@code blockTokens} words generated from
 * its id alone (a shorter last block is the start of that content), so requests whose ids start
 * alike share a prefix of equal tokens, and the engines' own chained block hashes find it. Tokens the
 * ids do not cover are unique to the request. A word is three lowercase letters and a space: one
 * token for model-sim's tokenizer ({@link SimTokenizer}, which the gateway's {@code sim} tokenizer
 * shares) and four characters, the gateway's characters per token for approximate prefix hashing,
 * so both prefix scorers see the blocks the engines cache.
 */
final class SyntheticPrompts {

    /** Characters per word, and so per token. */
    static final int CHARS_PER_TOKEN = 4;
    private static final long BLOCK_SPACE = 0x6A09_E667_F3BC_C908L;
    private static final long UNIQUE_SPACE = 0xBB67_AE85_84CA_A73BL;

    /** A request's prompt: its text, and the ids model-sim's tokenizer gives that text. */
    record Prompt(String text, int[] tokens) {
    }

    private final long seed;

    /** @param seed seeds the content of tokens no id covers */
    SyntheticPrompts(long seed) {
        this.seed = seed;
    }

    /** The prompt of trace request {@code index}: {@code inputLength} tokens. */
    Prompt of(TraceRequest r, int index) {
        int length = r.inputLength();
        char[] text = new char[length * CHARS_PER_TOKEN];
        int[] tokens = new int[length];
        int at = 0;
        for (int b = 0; b < r.blocks() && at < length; b++) {
            int n = Math.min(r.blockTokens(), length - at);
            words(mix(r.hashId(b) ^ BLOCK_SPACE), n, text, tokens, at);
            at += n;
        }
        if (at < length) {
            words(mix(mix(seed ^ UNIQUE_SPACE) + index), length - at, text, tokens, at);
        }
        return new Prompt(new String(text), tokens);
    }

    /** Writes {@code n} words of the content named {@code key} at token {@code from}. */
    private static void words(long key, int n, char[] text, int[] tokens, int from) {
        CharSequence view = CharBuffer.wrap(text);
        for (int w = 0; w < n; w++) {
            long z = mix(key + (w + 1) * 0x9E37_79B9_7F4A_7C15L);
            int c = (from + w) * CHARS_PER_TOKEN;
            text[c] = (char) ('a' + Long.remainderUnsigned(z, 26));
            text[c + 1] = (char) ('a' + Long.remainderUnsigned(z >>> 21, 26));
            text[c + 2] = (char) ('a' + Long.remainderUnsigned(z >>> 42, 26));
            text[c + 3] = ' ';
            // The word is one piece: its id is what SimTokenizer.encode gives it, without scanning the text again.
            tokens[from + w] = SimTokenizer.id(view, c, c + 3);
        }
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
