package io.inferrouter.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Result rows (as written to JSON) as CSV: one column per key, in first-seen order; a nested map
 * (percentiles) becomes one column per entry, {@code ttftMs} + {@code p50} giving {@code ttftMsP50}.
 */
public final class Csv {

    private Csv() {
    }

    public static String of(List<Map<String, Object>> rows) {
        List<Map<String, Object>> flat = rows.stream().map(Csv::flatten).toList();
        Set<String> columns = new LinkedHashSet<>();
        flat.forEach(r -> columns.addAll(r.keySet()));
        StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
        for (Map<String, Object> r : flat) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) {
                cells.add(cell(r.get(c)));
            }
            b.append(String.join(",", cells)).append('\n');
        }
        return b.toString();
    }

    /** One CSV cell: empty for null, quoted when it holds a comma, quote or line break. */
    public static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s = v instanceof Double d ? (d.isNaN() ? "" : String.valueOf(d)) : String.valueOf(v);
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static Map<String, Object> flatten(Map<String, Object> row) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        row.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                m.forEach((sk, sv) -> {
                    String sub = String.valueOf(sk);
                    out.put(k + sub.substring(0, 1).toUpperCase(Locale.ROOT) + sub.substring(1), sv);
                });
            } else {
                out.put(k, v);
            }
        });
        return out;
    }
}
