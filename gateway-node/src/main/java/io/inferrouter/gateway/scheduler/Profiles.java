package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.config.ProfileConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link Scheduler} for every configured profile from the plugin names. */
public final class Profiles {

    private final Map<String, Scheduler> schedulers;

    private Profiles(Map<String, Scheduler> schedulers) {
        this.schedulers = schedulers;
    }

    /** Profiles whose precise prefix-cache scorer, if any, always falls back to the approximate one. */
    public static Profiles build(GatewayConfig config, PrefixIndex prefixIndex) {
        return build(config, prefixIndex, PrecisePrefixSources.off());
    }

    /** @throws IllegalArgumentException naming the profile and plugin when a name is unknown */
    public static Profiles build(GatewayConfig config, PrefixIndex prefixIndex, PrecisePrefixSources precise) {
        Map<String, Scheduler> out = new LinkedHashMap<>();
        for (ProfileConfig p : config.profiles().values()) {
            List<Filter> filters = new ArrayList<>();
            for (String spec : p.filters()) {
                filters.add(filter(p.name(), spec));
            }
            List<Scheduler.WeightedScorer> scorers = new ArrayList<>();
            p.scorers().forEach((name, weight) -> scorers.add(new Scheduler.WeightedScorer(
                    scorer(p.name(), name, prefixIndex, config.prefixMaxBlocks(), precise), weight)));
            out.put(p.name(), new Scheduler(p.name(), filters, scorers, picker(p.name(), p.picker()),
                    config.metricsStaleness().toMillis()));
        }
        return new Profiles(Map.copyOf(out));
    }

    /**
     * The scheduler a decision record names: its profile rebuilt from the canonical configuration the
     * gateway recorded ({@link Scheduler#describe()}), so that a replay decides with what decided then.
     *
     * @throws IllegalArgumentException naming what is wrong when {@code description} is not one
     */
    public static Scheduler fromDescription(String profile, String description, PrefixIndex prefixIndex,
                                            int prefixMaxBlocks, PrecisePrefixSources precise) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : description.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("profile '" + profile + "': '" + part + "' in its configuration '"
                        + description + "' is not name=value");
            }
            parts.put(part.substring(0, eq), part.substring(eq + 1));
        }
        for (String required : List.of("filters", "scorers", "picker", "staleness-ms")) {
            if (!parts.containsKey(required)) {
                throw new IllegalArgumentException("profile '" + profile + "': its configuration '" + description
                        + "' has no " + required);
            }
        }
        List<Filter> filters = new ArrayList<>();
        for (String spec : parts.get("filters").split(",")) {
            if (!spec.isBlank()) {
                filters.add(filter(profile, spec));
            }
        }
        List<Scheduler.WeightedScorer> scorers = new ArrayList<>();
        for (String spec : parts.get("scorers").split(",")) {
            if (spec.isBlank()) {
                continue;
            }
            int colon = spec.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("profile '" + profile + "': scorer '" + spec + "' has no weight");
            }
            try {
                scorers.add(new Scheduler.WeightedScorer(scorer(profile, spec.substring(0, colon), prefixIndex,
                        prefixMaxBlocks, precise), Double.parseDouble(spec.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("profile '" + profile + "': scorer '" + spec + "' has a bad weight");
            }
        }
        long stalenessMs;
        try {
            stalenessMs = Long.parseLong(parts.get("staleness-ms"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("profile '" + profile + "': staleness-ms '" + parts.get("staleness-ms")
                    + "' is not a number");
        }
        Scheduler s = new Scheduler(profile, filters, scorers, picker(profile, parts.get("picker")), stalenessMs);
        if (!s.describe().equals(description)) {
            throw new IllegalArgumentException("profile '" + profile + "': configuration '" + description
                    + "' is not in canonical form (rebuilt as '" + s.describe() + "')");
        }
        return s;
    }

    public Scheduler get(String profile) {
        return schedulers.get(profile);
    }

    public java.util.Set<String> names() {
        return schedulers.keySet();
    }

    /** True when a profile requests can use (the default, or any when the profile header is allowed) has the scorer. */
    public static boolean usesScorer(GatewayConfig config, String scorer) {
        return config.allowProfileHeader()
                ? config.profiles().values().stream().anyMatch(p -> p.scorers().containsKey(scorer))
                : config.profiles().get(config.defaultProfile()).scorers().containsKey(scorer);
    }

    static Filter filter(String profile, String spec) {
        String[] parts = spec.split(":", 2);
        String name = parts[0].trim();
        String param = parts.length > 1 ? parts[1].trim() : null;
        try {
            return switch (name) {
                case LowQueueFilter.NAME -> new LowQueueFilter(param == null ? 5 : Integer.parseInt(param));
                case LowKvCacheFilter.NAME -> new LowKvCacheFilter(param == null ? 0.8 : Double.parseDouble(param));
                case LoraAffinityFilter.NAME -> new LoraAffinityFilter();
                default -> throw new IllegalArgumentException("profile '" + profile + "': unknown filter '" + name
                        + "' (known: low-queue[:N], low-kv-cache[:F], lora-affinity)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("profile '" + profile + "': filter '" + spec + "' has a bad parameter", e);
        }
    }

    static Scorer scorer(String profile, String name, PrefixIndex prefixIndex, int prefixMaxBlocks,
                         PrecisePrefixSources precise) {
        return switch (name) {
            case QueueScorer.NAME -> new QueueScorer();
            case KvCacheScorer.NAME -> new KvCacheScorer();
            case PrefixCacheScorer.NAME -> new PrefixCacheScorer(prefixIndex, prefixMaxBlocks);
            case PrecisePrefixCacheScorer.NAME -> new PrecisePrefixCacheScorer(precise,
                    new PrefixCacheScorer(prefixIndex, prefixMaxBlocks));
            case RunningRequestsScorer.NAME -> new RunningRequestsScorer();
            case OutstandingRequestsScorer.NAME -> new OutstandingRequestsScorer();
            case LoraAffinityScorer.NAME -> new LoraAffinityScorer();
            default -> throw new IllegalArgumentException("profile '" + profile + "': unknown scorer '" + name
                    + "' (known: queue, kv-cache, prefix-cache, precise-prefix-cache, running-requests,"
                    + " outstanding-requests, lora-affinity)");
        };
    }

    static Picker picker(String profile, String name) {
        return switch (name) {
            case MaxScorePicker.NAME -> new MaxScorePicker();
            case RandomPicker.NAME -> new RandomPicker();
            case RoundRobinPicker.NAME -> new RoundRobinPicker();
            default -> throw new IllegalArgumentException("profile '" + profile + "': unknown picker '" + name
                    + "' (known: max-score, random, round-robin)");
        };
    }
}
