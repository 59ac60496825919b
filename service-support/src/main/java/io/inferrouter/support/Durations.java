package io.inferrouter.support;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations the way operators write them: {@code 50ms}, {@code 2s}, {@code 5m}, {@code 1h},
 * a bare number of milliseconds, or ISO-8601 ({@code PT0.05S}).
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming {@code key} and the accepted forms */
    public static Duration parse(String key, String text) {
        String t = text.trim();
        if (t.toUpperCase(Locale.ROOT).startsWith("PT") || t.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(key, text);
            }
        }
        Matcher m = SIMPLE.matcher(t.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(key, text);
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** Prints a duration in the short form {@link #parse} reads. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0 && ms > 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }

    private static IllegalArgumentException invalid(String key, String text) {
        return new IllegalArgumentException(key + " must be a duration such as 50ms, 2s, 5m or PT0.05S, was '"
                + text + "'");
    }
}
