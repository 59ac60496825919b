package io.inferrouter.gateway.tokens;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Objects;

/**
 * A Hugging Face {@code tokenizer.json} (the format of the model's own repository, mounted in the
 * gateway's pod), run in Java: added tokens cut out first, then per segment the normalizer (NFC,
 * NFD, NFKC, NFKD), the pre-tokenizer ({@link PreTokenizer}), byte-level BPE ({@link BytePairModel})
 * and, as vLLM's completions endpoint asks ({@code add_special_tokens=True}), the post-processor's
 * special tokens. That covers the byte-level BPE tokenizers of Llama 3, Qwen 2 and 3, GPT-2 and
 * DeepSeek; {@link HfTokenizerFile} refuses, at load, anything else (SentencePiece's Metaspace and
 * byte fallback, WordPiece, Unigram), so the gateway never hashes with ids the server would not see.
 *
 * <p>Only completions prompts that are one string are tokenized: a chat request's ids depend on the
 * model's chat template (rendered by the server), which the gateway does not run.
 */
public final class HfTokenizer implements PromptTokenizer {

    private final String spec;
    private final AddedTokens added;
    private final Normalizer.Form normalization;
    private final PreTokenizer preTokenizer;
    private final BytePairModel model;
    private final PostProcessor post;

    HfTokenizer(String spec, AddedTokens added, Normalizer.Form normalization, PreTokenizer preTokenizer,
                BytePairModel model, PostProcessor post) {
        this.spec = spec;
        this.added = added;
        this.normalization = normalization;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.post = post;
    }

    /**
     * Reads and checks a {@code tokenizer.json}.
     *
     * @throws IllegalArgumentException naming the file and what in it cannot be read or is not supported
     */
    public static HfTokenizer load(Path file) {
        return HfTokenizerFile.load(file);
    }

    /** This tokenizer splitting text by its regexes only, never by a hand-written scanner: for tests. */
    HfTokenizer regexOnly() {
        return new HfTokenizer(spec, added, normalization, preTokenizer.regexOnly(), model, post);
    }

    /** This tokenizer with every BPE piece merged by scanning ({@code true}) or by a heap: for tests. */
    HfTokenizer merging(boolean byScan) {
        return new HfTokenizer(spec, added, normalization, preTokenizer, model.merging(byScan), post);
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public int[] tokenize(String text, PromptForm form, boolean cut, int maxTokens) {
        return form == PromptForm.TEXT ? encode(text, true, cut, maxTokens) : null;
    }

    /** All ids of {@code text}, as Hugging Face's {@code encode(text, add_special_tokens)} gives them. */
    public int[] encode(String text, boolean addSpecialTokens) {
        return encode(text, addSpecialTokens, false, Integer.MAX_VALUE);
    }

    /**
     * The leading ids of {@code text}, at most {@code maxTokens}. A cut text loses its last added
     * token's length of characters (an added token cut in two is not one) unless they start with a
     * whole added token, then the ids of its last two pieces (a word, number or run of spaces may go on
     * past the cut), and gets no post-processor suffix.
     */
    public int[] encode(String text, boolean addSpecialTokens, boolean cut, int maxTokens) {
        Objects.requireNonNull(text, "text");
        // In a cut text, the last added token's length may hold the start of one cut in two: text from
        // there on is left out, except an added token that starts before and is whole.
        int limit = cut ? Math.max(0, text.length() - added.maxLength()) : text.length();
        Encoder e = new Encoder(maxTokens, limit / 3 + 8);
        if (addSpecialTokens) {
            e.out.addAll(post.prefix(), post.prefix().length);
        }
        int at = 0;
        while (at < limit && !e.full()) {
            int special = added.next(text, at);
            if (special < 0 || special >= limit) {
                segment(text, at, limit, e);
                break;
            }
            segment(text, at, special, e);
            if (e.full()) {
                break;
            }
            AddedTokens.Token token = added.matchAt(text, special);
            e.out.add(token.id());
            e.pieceStarts(false);
            at = special + token.content().length();
        }
        if (cut && !e.full()) {
            e.dropLastPieces();
        }
        if (addSpecialTokens && !cut && !e.full()) {
            e.out.addAll(post.suffix(), post.suffix().length);
        }
        e.out.truncate(maxTokens);
        return e.out.toArray();
    }

    private void segment(String text, int from, int to, Encoder e) {
        if (from >= to) {
            return;
        }
        if (normalization == null) {
            preTokenizer.split(text, from, to, e);
        } else {
            String normalized = Normalizer.normalize(text.subSequence(from, to), normalization);
            preTokenizer.split(normalized, 0, normalized.length(), e);
        }
    }

    /** One call's state: the ids so far, the byte buffer of the piece, where the last two pieces began. */
    private final class Encoder implements PreTokenizer.Sink {
        final IntList out;
        final int maxTokens;
        final BytePairModel.Scratch scratch = new BytePairModel.Scratch();
        byte[] bytes = new byte[256];
        /** out.size() before the last piece and the one before it; -1 when none since the last added token. */
        int lastStart = -1;
        int previousStart = -1;

        Encoder(int maxTokens, int expected) {
            this.maxTokens = maxTokens;
            this.out = new IntList(Math.min(maxTokens, expected));
        }

        boolean full() {
            return out.size() >= maxTokens;
        }

        @Override
        public boolean done() {
            return full();
        }

        void pieceStarts(boolean text) {
            previousStart = text ? lastStart : -1;
            lastStart = text ? out.size() : -1;
        }

        void dropLastPieces() {
            int keep = previousStart >= 0 ? previousStart : lastStart;
            if (keep >= 0) {
                out.truncate(keep);
            }
        }

        @Override
        public void piece(CharSequence text, int from, int to) {
            if (full()) {
                return;
            }
            pieceStarts(true);
            int n = utf8(text, from, to);
            model.encode(bytes, 0, n, scratch, out);
        }

        /** Writes {@code text[from, to)} as UTF-8 into {@link #bytes}; a lone surrogate becomes U+FFFD. */
        private int utf8(CharSequence text, int from, int to) {
            int need = (to - from) * 3;
            if (bytes.length < need) {
                bytes = new byte[Math.max(need, bytes.length * 2)];
            }
            byte[] b = bytes;
            int n = 0;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    b[n++] = (byte) c;
                } else if (c < 0x800) {
                    b[n++] = (byte) (0xC0 | (c >> 6));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, text.charAt(++i));
                    b[n++] = (byte) (0xF0 | (cp >> 18));
                    b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[n++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    int cp = Character.isSurrogate(c) ? 0xFFFD : c;
                    b[n++] = (byte) (0xE0 | (cp >> 12));
                    b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[n++] = (byte) (0x80 | (cp & 0x3F));
                }
            }
            return n;
        }
    }
}
