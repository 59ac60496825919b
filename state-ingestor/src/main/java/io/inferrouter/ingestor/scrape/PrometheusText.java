package io.inferrouter.ingestor.scrape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parser for the Prometheus text exposition format (0.0.4, and the OpenMetrics text that model
 * servers also emit): {@code # HELP} and {@code # TYPE} lines, other comments, samples
 * {@code name{label="value",...} value [timestamp]} with escaped label values ({@code \\ \" \n}), the
 * special values {@code NaN}, {@code +Inf} and {@code -Inf}, histogram and summary series
 * ({@code _bucket{le=...}}, {@code _sum}, {@code _count}), exemplars after {@code #}, and
 * {@code # EOF}. A malformed line raises {@link MetricsFormatException} naming the line and column.
 */
public final class PrometheusText {

    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped",
            "unknown", "info", "stateset", "gaugehistogram");

    /**
     * One sample.
     *
     * @param timestampMs the sample's own timestamp in epoch milliseconds, null when it has none
     */
    public record Sample(String name, Map<String, String> labels, double value, Long timestampMs) {
    }

    /**
     * A parsed exposition.
     *
     * @param types metric family name to its declared type
     * @param help  metric family name to its help text (unescaped)
     */
    public record Exposition(List<Sample> samples, Map<String, String> types, Map<String, String> help) {

        public List<Sample> named(String name) {
            List<Sample> out = new ArrayList<>();
            for (Sample s : samples) {
                if (s.name().equals(name)) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    private PrometheusText() {
    }

    public static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Map<String, String> help = new HashMap<>();
        int lineNo = 0;
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            lineNo++;
            int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String line = text.substring(start, stop);
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                if (line.charAt(0) == '#') {
                    if (comment(line, types, help)) {
                        break;
                    }
                } else {
                    samples.add(new Cursor(line).sample());
                }
            } catch (IllegalArgumentException e) {
                throw new MetricsFormatException("line " + lineNo + " is not valid Prometheus text (" + e.getMessage()
                        + "): " + (line.length() > 120 ? line.substring(0, 120) + "..." : line));
            }
        }
        return new Exposition(Collections.unmodifiableList(samples), Map.copyOf(types), Map.copyOf(help));
    }

    /** @return true at {@code # EOF} */
    private static boolean comment(String line, Map<String, String> types, Map<String, String> help) {
        String body = line.substring(1).stripLeading();
        if (body.equals("EOF")) {
            return true;
        }
        boolean isType = body.startsWith("TYPE ");
        boolean isHelp = body.startsWith("HELP ");
        if (!isType && !isHelp) {
            return false;
        }
        String rest = body.substring(5).stripLeading();
        int space = rest.indexOf(' ');
        String name = space < 0 ? rest : rest.substring(0, space);
        if (!validName(name)) {
            throw new IllegalArgumentException("bad metric name '" + name + "' in " + (isType ? "TYPE" : "HELP"));
        }
        String value = space < 0 ? "" : rest.substring(space + 1).strip();
        if (isType) {
            if (!TYPES.contains(value)) {
                throw new IllegalArgumentException("unknown metric type '" + value + "'");
            }
            types.put(name, value);
        } else {
            help.put(name, unescapeHelp(value));
        }
        return false;
    }

    private static String unescapeHelp(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                b.append(e == 'n' ? '\n' : e);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!nameChar(name.charAt(i), i == 0, true)) {
                return false;
            }
        }
        return true;
    }

    private static boolean nameChar(char c, boolean first, boolean colonAllowed) {
        return c == '_' || (colonAllowed && c == ':') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (!first && c >= '0' && c <= '9');
    }

    /** Reads one sample line left to right. */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        Sample sample() {
            String name = name(true);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("no metric name at column 1");
            }
            Map<String, String> labels = Map.of();
            if (i < s.length() && s.charAt(i) == '{') {
                labels = labels();
            }
            if (i >= s.length() || !blank(s.charAt(i))) {
                throw new IllegalArgumentException("expected a space before the value at column " + (i + 1));
            }
            skipBlanks();
            double value = number(token());
            skipBlanks();
            Long timestamp = null;
            if (i < s.length() && s.charAt(i) != '#') {
                timestamp = timestamp(token());
                skipBlanks();
            }
            // An OpenMetrics exemplar (# {trace_id="..."} 1.0) may follow; it is not needed here.
            if (i < s.length() && s.charAt(i) != '#') {
                throw new IllegalArgumentException("unexpected text at column " + (i + 1));
            }
            return new Sample(name, labels, value, timestamp);
        }

        private String name(boolean metric) {
            int from = i;
            while (i < s.length() && nameChar(s.charAt(i), i == from, metric)) {
                i++;
            }
            return s.substring(from, i);
        }

        private Map<String, String> labels() {
            Map<String, String> out = new LinkedHashMap<>();
            i++;
            while (true) {
                skipBlanks();
                if (i < s.length() && s.charAt(i) == '}') {
                    i++;
                    return Collections.unmodifiableMap(out);
                }
                int at = i;
                String label = name(false);
                if (label.isEmpty()) {
                    throw new IllegalArgumentException("bad label name at column " + (at + 1));
                }
                skipBlanks();
                expect('=');
                skipBlanks();
                expect('"');
                String value = quoted();
                if (out.put(label, value) != null) {
                    throw new IllegalArgumentException("label " + label + " given twice");
                }
                skipBlanks();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                } else if (i >= s.length() || s.charAt(i) != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' at column " + (i + 1));
                }
            }
        }

        private String quoted() {
            StringBuilder value = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw new IllegalArgumentException("unterminated label value");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return value.toString();
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw new IllegalArgumentException("dangling escape at the end of the line");
                }
                char e = s.charAt(i++);
                value.append(switch (e) {
                    case 'n' -> '\n';
                    case '\\' -> '\\';
                    case '"' -> '"';
                    default -> throw new IllegalArgumentException("bad escape \\" + e + " at column " + (i - 1));
                });
            }
        }

        private String token() {
            int from = i;
            while (i < s.length() && !blank(s.charAt(i))) {
                i++;
            }
            return s.substring(from, i);
        }

        private void skipBlanks() {
            while (i < s.length() && blank(s.charAt(i))) {
                i++;
            }
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at column " + (i + 1));
            }
            i++;
        }

        private static boolean blank(char c) {
            return c == ' ' || c == '\t';
        }

        private static double number(String t) {
            switch (t) {
                case "NaN":
                    return Double.NaN;
                case "+Inf", "Inf":
                    return Double.POSITIVE_INFINITY;
                case "-Inf":
                    return Double.NEGATIVE_INFINITY;
                case "":
                    throw new IllegalArgumentException("missing value");
                default:
                    // Java would also read "Infinity", "1f" or "0x1p3"; Prometheus values are plain decimals.
                    for (int k = 0; k < t.length(); k++) {
                        char c = t.charAt(k);
                        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
                            throw new IllegalArgumentException("bad value '" + t + "'");
                        }
                    }
                    try {
                        return Double.parseDouble(t);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad value '" + t + "'");
                    }
            }
        }

        /** Prometheus writes integer milliseconds; OpenMetrics writes seconds, possibly fractional. */
        private static Long timestamp(String t) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                double seconds = number(t);
                if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                    throw new IllegalArgumentException("bad timestamp '" + t + "'");
                }
                return Math.round(seconds * 1000);
            }
        }
    }

    /** The text is not the Prometheus exposition format. */
    public static final class MetricsFormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MetricsFormatException(String message) {
            super(message);
        }
    }
}
