package io.inferrouter.schemas;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Shared checks for the compact constructors of the schema records. */
public final class Checks {

    private Checks() {
    }

    public static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    public static <K, V> Map<K, V> map(Map<K, V> value) {
        return value == null ? Map.of() : Map.copyOf(value);
    }

    public static String source(String source) {
        Objects.requireNonNull(source, "source is required");
        if (source.isBlank()) {
            throw new IllegalArgumentException("source must not be blank");
        }
        return source;
    }

    public static long observedAt(long observedAtMs) {
        if (observedAtMs < 0) {
            throw new IllegalArgumentException("observedAtMs must be >= 0, was " + observedAtMs);
        }
        return observedAtMs;
    }

    public static String required(String value, String what) {
        Objects.requireNonNull(value, () -> what + " is required");
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
