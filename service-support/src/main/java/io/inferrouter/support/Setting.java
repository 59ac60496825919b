package io.inferrouter.support;

import io.helidon.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One configuration setting of a service: its key in the YAML file, the environment variable that
 * overrides it, its default and what it means. A service declares its settings once, beside the
 * fields of its config record; {@link Settings} loads them and renders the README's table from them.
 *
 * @param key         the dotted key in the YAML file, e.g. {@code http.port}
 * @param env         the environment variable, e.g. {@code GATEWAY_HTTP_PORT}
 * @param parser      reads the text form; throws IllegalArgumentException with the reason
 * @param fallback    the default, computed when the setting is unset (may give null: no value)
 * @param shown       how the default is shown in the docs
 * @param description what the setting means, for the docs
 */
public record Setting<T>(String key, String env, Function<String, T> parser, Supplier<T> fallback, String shown,
                         String description, Kind kind) {

    /** How a value is written; a command line treats switches and lists differently from single values. */
    public enum Kind {
        /** One value. */
        VALUE,
        /** true or false; on a command line {@code --key} alone means true. */
        SWITCH,
        /** Comma-separated values; on a command line the flag may repeat. */
        LIST
    }

    private static final Pattern KEY = Pattern.compile("[a-z0-9]+([.-][a-z0-9]+)*");
    private static final Pattern ENV = Pattern.compile("[A-Z][A-Z0-9_]*");

    public Setting {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("setting key must be lower-case words with '.' or '-', was " + key);
        }
        if (env == null || !ENV.matcher(env).matches()) {
            throw new IllegalArgumentException("setting " + key + " needs an upper-case environment variable, was "
                    + env);
        }
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(shown, "shown");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(kind, "kind");
    }

    public static Setting<String> text(String key, String env, String defaultValue, String description) {
        return new Setting<>(key, env, s -> s, () -> defaultValue, shown(defaultValue), description, Kind.VALUE);
    }

    public static Setting<Integer> integer(String key, String env, int defaultValue, String description) {
        return new Setting<>(key, env, s -> parseLong(key, env, s, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue(),
                () -> defaultValue, String.valueOf(defaultValue), description, Kind.VALUE);
    }

    public static Setting<Long> longInteger(String key, String env, long defaultValue, String description) {
        return new Setting<>(key, env, s -> parseLong(key, env, s, Long.MIN_VALUE, Long.MAX_VALUE),
                () -> defaultValue, String.valueOf(defaultValue), description, Kind.VALUE);
    }

    public static Setting<Double> decimal(String key, String env, double defaultValue, String description) {
        return new Setting<>(key, env, s -> {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name(key, env) + " must be a number, was '" + s + "'", e);
            }
        }, () -> defaultValue, String.valueOf(defaultValue), description, Kind.VALUE);
    }

    public static Setting<Boolean> flag(String key, String env, boolean defaultValue, String description) {
        return new Setting<>(key, env, s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(name(key, env) + " must be true or false, was '" + s + "'");
        }, () -> defaultValue, String.valueOf(defaultValue), description, Kind.SWITCH);
    }

    /** A duration written {@code 50ms}, {@code 2s}, {@code 5m} or ISO-8601 (see {@link Durations}). */
    public static Setting<Duration> duration(String key, String env, Duration defaultValue, String description) {
        return new Setting<>(key, env, s -> Durations.parse(name(key, env), s), () -> defaultValue,
                defaultValue == null ? "(none)" : Durations.format(defaultValue), description, Kind.VALUE);
    }

    /** A file path; unset (or blank) is null unless a default is given. */
    public static Setting<Path> path(String key, String env, Path defaultValue, String description) {
        return new Setting<>(key, env, s -> Path.of(s.trim()), () -> defaultValue, shown(defaultValue), description,
                Kind.VALUE);
    }

    /** A list, written comma-separated (or as a YAML list in the file); unset is the empty list. */
    public static Setting<List<String>> list(String key, String env, String description) {
        return new Setting<>(key, env, s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .toList(), List::of, "(empty)", description, Kind.LIST);
    }

    /** This setting with a default computed at start, shown in the docs as {@code shownDefault}. */
    public Setting<T> computedDefault(Supplier<T> computed, String shownDefault) {
        return new Setting<>(key, env, parser, computed, shownDefault, description, kind);
    }

    /** The value in {@code config}, or the default when it is unset or blank. */
    public T from(Config config) {
        Config node = config.get(key);
        // A value (from the environment, or a scalar in the file) wins over a YAML list under the same key.
        String text = node.hasValue() ? node.asString().orElse(null) : null;
        if (text == null && node.isList()) {
            text = String.join(",", node.asList(String.class).orElse(List.of()));
        }
        if (text == null || text.isBlank()) {
            return fallback.get();
        }
        return parser.apply(text);
    }

    /** How the docs and error messages name this setting: {@code key (ENV)}. */
    public String label() {
        return name(key, env);
    }

    private static String name(String key, String env) {
        return key + " (" + env + ")";
    }

    private static String shown(Object value) {
        return value == null ? "(none)" : value.toString();
    }

    private static Long parseLong(String key, String env, String s, long min, long max) {
        long v;
        try {
            v = Long.parseLong(s.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name(key, env) + " must be an integer, was '" + s + "'", e);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(name(key, env) + " is out of range, was " + s);
        }
        return v;
    }
}
