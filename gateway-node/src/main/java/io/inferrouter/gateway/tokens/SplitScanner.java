package io.inferrouter.gateway.tokens;

/**
 * Hand-written matchers for the pre-tokenizer regexes of the common byte-level BPE tokenizers,
 * equal to the regex run by {@link java.util.regex.Matcher#find} over a region (the tests compare them
 * on random text) and several times faster: GPT-2's ({@link ByteLevel#GPT2_PATTERN}), Llama 3's
 * ({@link #LLAMA3_PATTERN}) and Qwen 2's ({@link #QWEN2_PATTERN}, Llama 3's with one digit per
 * number piece). Each alternative is tried in the regex's order, with its backtracking worked out by
 * hand; every position starts a match, so the pieces tile the text.
 */
abstract class SplitScanner {

    static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** The scanner of {@code regex}, or null when it is not one of the known patterns. */
    static SplitScanner of(String regex) {
        if (regex.equals(ByteLevel.GPT2_PATTERN)) {
            return new Gpt2();
        }
        if (regex.equals(LLAMA3_PATTERN)) {
            return new Llama3(3);
        }
        if (regex.equals(QWEN2_PATTERN)) {
            return new Llama3(1);
        }
        return null;
    }

    /** The end of the match that starts at {@code i} in {@code text[.., to)}; always greater than {@code i}. */
    abstract int matchEnd(CharSequence text, int i, int to);

    /** GPT-2's: {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}. */
    private static final class Gpt2 extends SplitScanner {
        @Override
        int matchEnd(CharSequence text, int i, int to) {
            int c = text.charAt(i);
            if (c == '\'') {
                int n = contraction(text, i, to, false);
                if (n > 0) {
                    return i + n;
                }
            }
            int start = c == ' ' && i + 1 < to ? i + 1 : i;
            int cp = cp(text, start, to);
            if (isLetter(cp)) {
                return run(text, start, to, CLASS_LETTER);
            }
            if (isNumber(cp)) {
                return run(text, start, to, CLASS_NUMBER);
            }
            if (isSymbol(cp)) {
                return run(text, start, to, CLASS_SYMBOL);
            }
            return whitespace(text, i, to);
        }
    }

    /**
     * Llama 3's ({@code maxDigits} 3) and Qwen 2's (1): {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+
     * |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}.
     */
    private static final class Llama3 extends SplitScanner {
        private final int maxDigits;

        Llama3(int maxDigits) {
            this.maxDigits = maxDigits;
        }

        @Override
        int matchEnd(CharSequence text, int i, int to) {
            int c0 = cp(text, i, to);
            int next = i + Character.charCount(c0);
            if (c0 == '\'') {
                int n = contraction(text, i, to, true);
                if (n > 0) {
                    return i + n;
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if (isLetter(c0)) {
                return run(text, i, to, CLASS_LETTER);
            }
            if (c0 != '\r' && c0 != '\n' && !isNumber(c0) && next < to && isLetter(cp(text, next, to))) {
                return run(text, next, to, CLASS_LETTER);
            }
            // \p{N}{1,3}
            if (isNumber(c0)) {
                int end = next;
                for (int k = 1; k < maxDigits && end < to; k++) {
                    int cp = cp(text, end, to);
                    if (!isNumber(cp)) {
                        break;
                    }
                    end += Character.charCount(cp);
                }
                return end;
            }
            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            int start = c0 == ' ' && next < to && isSymbol(cp(text, next, to)) ? next : i;
            if (isSymbol(cp(text, start, to))) {
                int end = run(text, start, to, CLASS_SYMBOL);
                while (end < to && (text.charAt(end) == '\r' || text.charAt(end) == '\n')) {
                    end++;
                }
                return end;
            }
            // \s*[\r\n]+ : the white space up to its last line break, if it has one.
            int runEnd = run(text, i, to, CLASS_SPACE);
            for (int k = runEnd - 1; k >= i; k--) {
                char ch = text.charAt(k);
                if (ch == '\r' || ch == '\n') {
                    return k + 1;
                }
            }
            return whitespace(text, i, to);
        }
    }

    private static final int CLASS_LETTER = 0;
    private static final int CLASS_NUMBER = 1;
    private static final int CLASS_SYMBOL = 2;
    private static final int CLASS_SPACE = 3;

    /** {@code \s+(?!\S)|\s+} at {@code i} (a white-space character): the run, less its last one when text follows. */
    static int whitespace(CharSequence text, int i, int to) {
        int end = run(text, i, to, CLASS_SPACE);
        return end < to && end - i >= 2 ? end - 1 : end;
    }

    /** The length of the contraction at {@code i} ({@code 's}, {@code 'll}, ...), or 0. */
    static int contraction(CharSequence text, int i, int to, boolean ignoreCase) {
        if (i + 1 >= to) {
            return 0;
        }
        char a = text.charAt(i + 1);
        if (is(a, 's', ignoreCase) || is(a, 't', ignoreCase) || is(a, 'm', ignoreCase) || is(a, 'd', ignoreCase)) {
            return 2;
        }
        if (i + 2 < to) {
            char b = text.charAt(i + 2);
            if ((is(a, 'r', ignoreCase) && is(b, 'e', ignoreCase)) || (is(a, 'v', ignoreCase) && is(b, 'e', ignoreCase))
                    || (is(a, 'l', ignoreCase) && is(b, 'l', ignoreCase))) {
                return 3;
            }
        }
        return 0;
    }

    /** java.util.regex's case-insensitive match with Unicode case (so {@code ſ} is an {@code s}). */
    private static boolean is(char c, char lower, boolean ignoreCase) {
        return c == lower || (ignoreCase && Character.toLowerCase(Character.toUpperCase(c)) == lower);
    }

    /** The end of the run of code points of one class from {@code i}. */
    private static int run(CharSequence text, int i, int to, int cls) {
        int end = i;
        while (end < to) {
            int cp = cp(text, end, to);
            boolean in = switch (cls) {
                case CLASS_LETTER -> isLetter(cp);
                case CLASS_NUMBER -> isNumber(cp);
                case CLASS_SYMBOL -> isSymbol(cp);
                default -> isSpace(cp);
            };
            if (!in) {
                break;
            }
            end += Character.charCount(cp);
        }
        return end;
    }

    /** The code point at {@code i}, a surrogate pair only when both halves lie before {@code to}. */
    static int cp(CharSequence text, int i, int to) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < to) {
            char d = text.charAt(i + 1);
            if (Character.isLowSurrogate(d)) {
                return Character.toCodePoint(c, d);
            }
        }
        return c;
    }

    static boolean isLetter(int cp) {
        return Character.isLetter(cp);
    }

    static boolean isNumber(int cp) {
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** {@code \s} with Unicode classes: the White_Space property, as java.util.regex defines it. */
    static boolean isSpace(int cp) {
        return (cp >= 0x9 && cp <= 0xD) || cp == 0x85
                || ((((1 << Character.SPACE_SEPARATOR) | (1 << Character.LINE_SEPARATOR)
                | (1 << Character.PARAGRAPH_SEPARATOR)) >> Character.getType(cp)) & 1) != 0;
    }

    /** {@code [^\s\p{L}\p{N}]}. */
    static boolean isSymbol(int cp) {
        return !isSpace(cp) && !isLetter(cp) && !isNumber(cp);
    }
}
