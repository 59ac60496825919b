package io.inferrouter.support;

import io.helidon.config.Config;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of one service, in the order its README table shows them. It loads the service's
 * {@link Config} (an optional YAML file named by {@code --config FILE}, the environment variables on
 * top) and renders the table a test keeps equal to the README's.
 */
public record Settings(String service, List<Setting<?>> all) {

    public Settings {
        all = List.copyOf(all);
        Set<String> keys = new HashSet<>();
        Set<String> envs = new HashSet<>();
        for (Setting<?> s : all) {
            if (!keys.add(s.key()) || !envs.add(s.env())) {
                throw new IllegalArgumentException(service + " declares setting " + s.label() + " twice");
            }
        }
    }

    public static Settings of(String service, Setting<?>... settings) {
        return new Settings(service, List.of(settings));
    }

    /** Environment variable to config key. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        all.forEach(s -> env.put(s.env(), s.key()));
        return env;
    }

    /** The configuration from {@code args} ({@code [--config FILE]}) and {@code env}. */
    public Config load(List<String> args, Map<String, String> env) {
        return ConfigLoader.load(args, env, environment());
    }

    /** Config from dotted keys only (tests, embedding), every other setting at its default. */
    public static Config fromKeys(Map<String, String> keys) {
        return ConfigLoader.load(List.of(), Map.of(), Map.of(), keys);
    }

    /**
     * The configuration of a command-line tool: {@code --KEY VALUE} (or {@code --KEY=VALUE}) for every
     * setting, {@code --KEY} alone for a switch, a list's flag repeatable; the flags win over the
     * environment variables.
     *
     * @throws IllegalArgumentException for an unknown option or a missing value
     */
    public Config fromArgs(List<String> args, Map<String, String> env) {
        Map<String, String> keys = new HashMap<>();
        for (Setting<?> s : all) {
            String value = env.get(s.env());
            if (value != null && !value.isBlank()) {
                keys.put(s.key(), value);
            }
        }
        Map<String, List<String>> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") ? arg.substring(2, eq < 0 ? arg.length() : eq) : arg;
            Setting<?> s = all.stream().filter(x -> x.key().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown option '" + arg + "'"));
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (s.kind() == Setting.Kind.SWITCH) {
                value = "true";
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            List<String> values = flags.computeIfAbsent(name, k -> new ArrayList<>());
            if (s.kind() != Setting.Kind.LIST) {
                values.clear();
            }
            values.add(value);
        }
        flags.forEach((k, v) -> keys.put(k, String.join(",", v)));
        return ConfigLoader.load(List.of(), Map.of(), Map.of(), keys);
    }

    /** Usage lines for a command line: one per setting, with its variable and default. */
    public String usage() {
        StringBuilder b = new StringBuilder();
        for (Setting<?> s : all) {
            String flag = "--" + s.key() + (s.kind() == Setting.Kind.SWITCH ? "" : " VALUE");
            b.append(String.format("  %-28s %s (env %s, default %s)%n", flag, s.description(), s.env(), s.shown()));
        }
        return b.toString();
    }

    /** The README table: key, environment variable, default, meaning. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| key | environment | default | what |\n|---|---|---|---|\n");
        for (Setting<?> s : all) {
            b.append("| `").append(s.key()).append("` | `").append(s.env()).append("` | ")
                    .append(s.shown().isEmpty() ? "" : "`" + s.shown() + "`").append(" | ")
                    .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** The README table of a command-line tool ({@link #fromArgs}): flag, environment variable, default, meaning. */
    public String markdownFlags() {
        StringBuilder b = new StringBuilder();
        b.append("| flag | environment | default | what |\n|---|---|---|---|\n");
        for (Setting<?> s : all) {
            b.append("| `--").append(s.key()).append(s.kind() == Setting.Kind.SWITCH ? "" : " VALUE").append("` | `")
                    .append(s.env()).append("` | `").append(s.shown()).append("` | ")
                    .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** The README's marker name for this service's table. */
    public String marker() {
        return "config:" + service;
    }
}
