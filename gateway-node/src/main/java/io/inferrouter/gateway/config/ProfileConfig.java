package io.inferrouter.gateway.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scheduling profile as configured: filter specs ({@code name} or {@code name:parameter}),
 * scorers with their weights, and a picker.
 */
public record ProfileConfig(String name, List<String> filters, Map<String, Double> scorers, String picker) {

    public ProfileConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a scheduler profile needs a name");
        }
        filters = filters == null ? List.of() : List.copyOf(filters);
        scorers = scorers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scorers));
        picker = picker == null || picker.isBlank() ? "max-score" : picker;
    }

    /** The profiles every gateway has; configuration may replace them or add more. */
    public static Map<String, ProfileConfig> builtIn() {
        Map<String, ProfileConfig> p = new LinkedHashMap<>();
        p.put("default", new ProfileConfig("default", List.of(),
                ordered("queue", 2.0, "kv-cache", 2.0, "prefix-cache", 3.0), "max-score"));
        // The default profile with prefix affinity from the servers' KV events instead of the gateway's guess.
        p.put("precise", new ProfileConfig("precise", List.of(),
                ordered("queue", 2.0, "kv-cache", 2.0, "precise-prefix-cache", 3.0), "max-score"));
        p.put("queue-kv", new ProfileConfig("queue-kv", List.of(), ordered("queue", 2.0, "kv-cache", 2.0), "max-score"));
        p.put("least-outstanding", new ProfileConfig("least-outstanding", List.of(),
                ordered("outstanding-requests", 1.0), "max-score"));
        p.put("random", new ProfileConfig("random", List.of(), Map.of(), "random"));
        p.put("round-robin", new ProfileConfig("round-robin", List.of(), Map.of(), "round-robin"));
        p.put("lora", new ProfileConfig("lora", List.of(),
                ordered("lora-affinity", 2.0, "queue", 1.0, "kv-cache", 1.0), "max-score"));
        return p;
    }

    private static Map<String, Double> ordered(Object... nameWeight) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < nameWeight.length; i += 2) {
            m.put((String) nameWeight[i], (Double) nameWeight[i + 1]);
        }
        return m;
    }
}
