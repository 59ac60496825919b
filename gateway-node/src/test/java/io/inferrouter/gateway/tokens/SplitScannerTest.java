package io.inferrouter.gateway.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written pre-tokenizer scanners give exactly the pieces their regexes give. */
class SplitScannerTest {

    private static final String ALPHABET = "aAbZsStTrReEvVlLmMdD'  \t\n\r\r\n0123456789\u00b2\u216b.,;!?-_()\"<>|"
            + "\u00e9\u00df\u017f\u212a\u0130\u65e5\u672c\u0301\u00a0\u2003\u3000\u0085\u2028\uD83D\uDE00\uD835\uDC00"
            + "\uD83D";

    private static List<Integer> byRegex(String regex, String text, int from, int to) {
        Matcher m = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS).matcher(text);
        m.region(from, to);
        List<Integer> ends = new ArrayList<>();
        int at = from;
        while (m.find()) {
            assertThat(m.start()).as("a gap before %d in '%s'", m.start(), text).isEqualTo(at);
            ends.add(m.end());
            at = m.end();
        }
        assertThat(at).isEqualTo(to);
        return ends;
    }

    private static List<Integer> byScanner(SplitScanner s, String text, int from, int to) {
        List<Integer> ends = new ArrayList<>();
        for (int at = from; at < to; ) {
            at = s.matchEnd(text, at, to);
            ends.add(at);
        }
        return ends;
    }

    @Test
    void eachKnownPatternsScannerCutsRandomTextAsItsRegexDoes() {
        Random random = new Random(11);
        for (String regex : List.of(ByteLevel.GPT2_PATTERN, SplitScanner.LLAMA3_PATTERN, SplitScanner.QWEN2_PATTERN)) {
            SplitScanner scanner = SplitScanner.of(regex);
            assertThat(scanner).as(regex).isNotNull();
            for (int t = 0; t < 3_000; t++) {
                StringBuilder b = new StringBuilder();
                int len = random.nextInt(40);
                for (int k = 0; k < len; k++) {
                    b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                String text = b.toString();
                int from = text.isEmpty() ? 0 : random.nextInt(Math.max(1, text.length() / 3));
                int to = text.isEmpty() ? 0 : from + random.nextInt(text.length() - from + 1);
                assertThat(byScanner(scanner, text, from, to)).as("%s on '%s' [%d, %d)", regex, text, from, to)
                        .isEqualTo(byRegex(regex, text, from, to));
            }
        }
        assertThat(SplitScanner.of("\\s+")).isNull();
    }

    @Test
    void tokenizersGiveTheSameIdsWithAndWithoutTheScanners() {
        Random random = new Random(12);
        for (String name : new String[] {"llama3-style.json", "gpt2-style.json"}) {
            HfTokenizer fast = HfTokenizerTest.tokenizer(name);
            HfTokenizer slow = fast.regexOnly();
            for (int t = 0; t < 500; t++) {
                StringBuilder b = new StringBuilder();
                int len = random.nextInt(200);
                for (int k = 0; k < len; k++) {
                    b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                String text = b.toString();
                assertThat(fast.encode(text, true)).as(text).containsExactly(slow.encode(text, true));
            }
        }
    }
}
