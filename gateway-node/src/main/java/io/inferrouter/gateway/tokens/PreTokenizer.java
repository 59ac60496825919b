package io.inferrouter.gateway.tokens;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a segment of text into the pieces BPE runs on, as Hugging Face's pre-tokenizers do: a list of
 * steps applied in order, each to every piece the step before made, each piece on its own (a
 * lookahead sees the end of its piece, not the next one). A {@code Split} regex (behaviour
 * {@code Isolated}: matches and the text between them are pieces); ByteLevel is its
 * {@code add_prefix_space} (a space before every piece that lacks one) and, with {@code use_regex},
 * GPT-2's regex. Regexes are Java's with Unicode classes ({@code \s} is Unicode white space, as in
 * Oniguruma, which Hugging Face's tokenizers use).
 */
final class PreTokenizer {

    /** Told each piece: {@code text[from, to)}. */
    interface Sink {
        void piece(CharSequence text, int from, int to);

        /** True once the sink wants no more pieces: the rest of the text is not split. */
        boolean done();
    }

    /** One step of the pipeline. */
    sealed interface Step permits Split, PrefixSpace {
    }

    /**
     * Matches and the text between them become pieces.
     *
     * @param pattern the regex
     * @param scanner the same regex written by hand, when it is a known one ({@link SplitScanner}), or null
     */
    record Split(Pattern pattern, SplitScanner scanner) implements Step {
        static Split of(String regex) {
            return new Split(Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS), SplitScanner.of(regex));
        }

        /** The same split by the regex alone: tests compare it with the scanner. */
        Split regexOnly() {
            return new Split(pattern, null);
        }
    }

    /** ByteLevel's {@code add_prefix_space}. */
    record PrefixSpace() implements Step {
    }

    private final List<Step> steps;

    PreTokenizer(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** This pre-tokenizer with every split done by its regex, none by a hand-written scanner: for tests. */
    PreTokenizer regexOnly() {
        return new PreTokenizer(steps.stream().map(s -> s instanceof Split split ? (Step) split.regexOnly() : s)
                .toList());
    }

    void split(CharSequence text, int from, int to, Sink sink) {
        step(text, from, to, 0, sink);
    }

    private void step(CharSequence text, int from, int to, int depth, Sink sink) {
        if (from >= to || sink.done()) {
            return;
        }
        if (depth == steps.size()) {
            sink.piece(text, from, to);
            return;
        }
        switch (steps.get(depth)) {
            case PrefixSpace p -> {
                if (text.charAt(from) == ' ') {
                    step(text, from, to, depth + 1, sink);
                } else {
                    String spaced = " " + text.subSequence(from, to);
                    step(spaced, 0, spaced.length(), depth + 1, sink);
                }
            }
            case Split s when s.scanner() != null -> {
                for (int at = from; at < to && !sink.done(); ) {
                    int end = s.scanner().matchEnd(text, at, to);
                    step(text, at, end, depth + 1, sink);
                    at = end;
                }
            }
            case Split s -> {
                Matcher m = s.pattern().matcher(text);
                m.region(from, to);
                int at = from;
                while (!sink.done() && m.find()) {
                    if (m.start() > at) {
                        step(text, at, m.start(), depth + 1, sink);
                    }
                    if (m.end() > m.start()) {
                        step(text, m.start(), m.end(), depth + 1, sink);
                    }
                    at = m.end();
                }
                step(text, at, to, depth + 1, sink);
            }
        }
    }
}
