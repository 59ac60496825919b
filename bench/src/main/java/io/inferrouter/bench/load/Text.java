package io.inferrouter.bench.load;

import java.util.random.RandomGenerator;

/**
 * Synthetic prompt text: words of three letters and a space, so a "token" is the same under a
 * whitespace tokenizer and under four characters per token. Deterministic for a given generator.
 */
public final class Text {

    private Text() {
    }

    public static String words(RandomGenerator random, int count) {
        StringBuilder b = new StringBuilder(count * 4);
        for (int i = 0; i < count; i++) {
            b.append((char) ('a' + random.nextInt(26))).append((char) ('a' + random.nextInt(26)))
                    .append((char) ('a' + random.nextInt(26))).append(' ');
        }
        return b.toString();
    }
}
