package io.inferrouter.admin.decisions;

import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.decisions.RoutingDecision.Candidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A recorded decision in words: why the winner won (which scorers' weighted differences against the
 * runner-up carried it, with the inputs behind them), who was filtered out and by what threshold,
 * who was ranked last for stale metrics, why a request was shed, which endpoints were tried, and
 * how the request ended. Reads only the record: the profile's weights and thresholds come from the
 * configuration it carries.
 */
public final class Explanation {

    private Explanation() {
    }

    /** The explanation, one sentence a line. */
    public static String of(RoutingDecision d) {
        List<String> lines = new ArrayList<>();
        RoutingDecision.Scheduling s = d.scheduling();
        RoutingDecision.Outcome o = d.outcome();
        if (d.pool() == null) {
            lines.add("refused with " + o.status() + (o.errorType() == null ? "" : " (" + o.errorType() + ")")
                    + " before a pool was chosen" + (d.requestedModel() == null
                    ? ": the body was not read or not understood, so the model is unknown" : " for model "
                    + d.requestedModel()) + ".");
        } else if (o.status() == 429 && s != null && s.saturation() != null && s.saturation().saturated()) {
            lines.add(shed(d, s.saturation()));
        } else if (d.profile() != null && d.profile().endsWith("/fail-open")) {
            lines.add("the routing tables were stale (Kafka out of reach) and pool " + d.pool()
                    + " fails open: sent to the endpoints in random order, unscored.");
        } else if (s == null || s.profileConfig() == null) {
            lines.add(d.candidates().isEmpty() ? "no scheduling happened for pool " + d.pool() + "."
                    : "recorded before version 5: the scores are kept, the inputs behind them only in part.");
            winner(d, Map.of(), lines);
        } else {
            Profile p = Profile.parse(s.profileConfig());
            winner(d, p.weights(), lines);
            filtered(d, p, lines);
            stale(d, p, lines);
        }
        attempts(d, lines);
        outcome(d, lines);
        return String.join("\n", lines);
    }

    /** The profile's weights and filter thresholds, from its canonical configuration. */
    record Profile(Map<String, Double> weights, Map<String, String> filters, long stalenessMs) {

        static Profile parse(String config) {
            Map<String, Double> weights = new LinkedHashMap<>();
            Map<String, String> filters = new LinkedHashMap<>();
            long staleness = -1;
            for (String part : config.split(";")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = part.substring(0, eq);
                String value = part.substring(eq + 1);
                switch (name) {
                    case "scorers" -> {
                        for (String spec : value.split(",")) {
                            int colon = spec.lastIndexOf(':');
                            if (colon > 0) {
                                weights.put(spec.substring(0, colon), Double.parseDouble(spec.substring(colon + 1)));
                            }
                        }
                    }
                    case "filters" -> {
                        for (String spec : value.split(",")) {
                            if (!spec.isBlank()) {
                                int colon = spec.indexOf(':');
                                filters.put(colon < 0 ? spec : spec.substring(0, colon),
                                        colon < 0 ? null : spec.substring(colon + 1));
                            }
                        }
                    }
                    case "staleness-ms" -> staleness = Long.parseLong(value);
                    default -> { }
                }
            }
            return new Profile(weights, filters, staleness);
        }
    }

    private static String shed(RoutingDecision d, RoutingDecision.Saturation sat) {
        List<String> full = new ArrayList<>();
        for (Candidate c : d.candidates()) {
            full.add(name(c) + " " + fullBecause(c, sat));
        }
        return "shed (429): pool " + d.pool() + " was saturated and the request was sheddable ("
                + (d.criticality() == null ? "" : d.criticality() + ", ") + "priority " + d.priority()
                + "); no endpoint had room: " + String.join("; ", full) + ".";
    }

    private static String fullBecause(Candidate c, RoutingDecision.Saturation sat) {
        List<String> why = new ArrayList<>();
        if (c.metricsAgeMs() == null) {
            why.add("no metrics yet");
        } else if (c.metricsAgeMs() > sat.stalenessMs()) {
            why.add("metrics " + c.metricsAgeMs() + " ms old > " + sat.stalenessMs() + " ms");
        }
        int queue = queue(c);
        if (queue >= sat.queueThreshold()) {
            why.add("queue " + queue + " >= " + sat.queueThreshold());
        }
        double kv = c.kvCacheUsage() == null ? 0 : c.kvCacheUsage();
        if (kv >= sat.kvCacheThreshold()) {
            why.add("KV " + num(kv) + " >= " + num(sat.kvCacheThreshold()));
        }
        return why.isEmpty() ? "(room when read)" : String.join(", ", why);
    }

    private static void winner(RoutingDecision d, Map<String, Double> weights, List<String> lines) {
        List<Candidate> scored = d.candidates().stream().filter(c -> c.filteredBy() == null).toList();
        if (scored.isEmpty()) {
            return;
        }
        Candidate won = scored.get(0);
        if (scored.size() == 1) {
            lines.add("won: " + name(won) + ", the only endpoint left to score (total " + num(won.totalScore()) + ").");
            return;
        }
        Candidate next = scored.get(1);
        if ((float) won.totalScore() == (float) next.totalScore()) {
            long tied = scored.stream().filter(c -> (float) c.totalScore() == (float) won.totalScore()).count();
            lines.add("won: " + name(won) + ", tied with " + (tied - 1) + " other" + (tied > 2 ? "s" : "") + " at "
                    + num(won.totalScore()) + "; the picker's seeded tie-break"
                    + (d.scheduling() == null ? "" : " (seed " + d.scheduling().seed() + ")") + " put it first.");
            return;
        }
        List<Map.Entry<String, Double>> diffs = new ArrayList<>();
        for (String scorer : won.scores().keySet()) {
            double w = weights.getOrDefault(scorer, Double.NaN);
            double delta = (won.scores().get(scorer) - next.scores().getOrDefault(scorer, 0.0)) * (Double.isNaN(w) ? 1 : w);
            if (Math.abs(delta) > 1e-9) {
                diffs.add(Map.entry(scorer, delta));
            }
        }
        diffs.sort(Comparator.comparingDouble((Map.Entry<String, Double> e) -> -e.getValue()));
        List<String> forIt = new ArrayList<>();
        List<String> against = new ArrayList<>();
        for (Map.Entry<String, Double> e : diffs) {
            String text = input(e.getKey(), won, next) + " (" + weight(weights, e.getKey()) + "x "
                    + signed(won.scores().get(e.getKey()) - next.scores().getOrDefault(e.getKey(), 0.0)) + ")";
            (e.getValue() > 0 ? forIt : against).add(text);
        }
        StringBuilder b = new StringBuilder("won: ").append(name(won)).append(" over ").append(name(next))
                .append(", ").append(num(won.totalScore())).append(" to ").append(num(next.totalScore())).append(": ");
        b.append(forIt.isEmpty() ? "no single scorer" : String.join(" and ", forIt));
        if (!against.isEmpty()) {
            b.append(" outweighed ").append(String.join(" and ", against));
        }
        lines.add(b.append('.').toString());
    }

    /** A scorer's input for the winner against the runner-up, in the units people know. */
    private static String input(String scorer, Candidate won, Candidate next) {
        return switch (scorer) {
            case "queue" -> "queue " + queue(won) + " vs " + queue(next);
            case "kv-cache" -> "KV " + num(kv(won)) + " vs " + num(kv(next));
            case "running-requests" -> "running " + orZero(won.runningRequests()) + " vs " + orZero(next.runningRequests());
            case "outstanding-requests" -> "in flight " + won.inFlight() + " vs " + next.inFlight();
            case "prefix-cache", "precise-prefix-cache" -> "prefix match " + blocks(scorer, won) + " vs "
                    + blocks(scorer, next);
            case "lora-affinity" -> "adapter score " + num(won.scores().get(scorer)) + " vs "
                    + num(next.scores().getOrDefault(scorer, 0.0));
            default -> scorer + " " + num(won.scores().get(scorer)) + " vs " + num(next.scores().getOrDefault(scorer, 0.0));
        };
    }

    private static String blocks(String scorer, Candidate c) {
        Integer m = c.prefixBlocks().get(scorer);
        double share = c.scores().getOrDefault(scorer, 0.0);
        if (m == null) {
            return share > 0 ? num(share) + " of the prompt" : "0 blocks";
        }
        long total = share > 0 ? Math.round(m / share) : 0;
        return m + (total > 0 ? " of " + total : "") + " blocks";
    }

    private static void filtered(RoutingDecision d, Profile p, List<String> lines) {
        List<String> out = new ArrayList<>();
        for (Candidate c : d.candidates()) {
            String f = c.filteredBy();
            if (f == null || f.equals("stale-metrics")) {
                continue;
            }
            String threshold = p.filters().get(f);
            String why = switch (f) {
                case "low-queue" -> "queue " + queue(c) + " > " + (threshold == null ? "?" : threshold);
                case "low-kv-cache" -> "KV " + num(kv(c)) + " >= " + (threshold == null ? "?" : threshold);
                case "lora-affinity" -> "no affinity for the adapter";
                default -> f;
            };
            out.add(name(c) + " (" + f + ": " + why + ")");
        }
        if (!out.isEmpty()) {
            lines.add("filtered out, ranked after the scored ones by fewest in flight: " + String.join("; ", out) + ".");
        }
    }

    private static void stale(RoutingDecision d, Profile p, List<String> lines) {
        List<String> out = new ArrayList<>();
        for (Candidate c : d.candidates()) {
            if ("stale-metrics".equals(c.filteredBy())) {
                out.add(name(c) + " (" + (c.metricsAgeMs() == null ? "no metrics yet" : "metrics " + c.metricsAgeMs()
                        + " ms old > " + p.stalenessMs() + " ms") + ")");
            }
        }
        if (!out.isEmpty()) {
            lines.add("ranked last for stale metrics: " + String.join("; ", out) + ".");
        }
    }

    private static void attempts(RoutingDecision d, List<String> lines) {
        if (d.attempts().size() < 2) {
            return;
        }
        List<String> tries = new ArrayList<>();
        for (RoutingDecision.Attempt a : d.attempts()) {
            tries.add(a.endpoint().pod() + " (" + (a.error() != null ? a.error()
                    : String.valueOf(a.status())) + ", " + ms(a.micros()) + ")");
        }
        lines.add("tried " + String.join(", then ", tries) + ".");
    }

    private static void outcome(RoutingDecision d, List<String> lines) {
        RoutingDecision.Outcome o = d.outcome();
        StringBuilder b = new StringBuilder("ended ").append(o.status());
        if (o.errorType() != null) {
            b.append(" (").append(o.errorType()).append(')');
        }
        if (d.chosenEndpoint() != null) {
            b.append(", served by ").append(d.chosenEndpoint().pod());
        }
        if (o.ttftMicros() != null) {
            b.append(", first byte after ").append(ms(o.ttftMicros()));
        }
        if (o.promptTokens() != null || o.outputTokens() != null) {
            b.append(", ").append(o.promptTokens() == null ? "?" : o.promptTokens()).append(" prompt + ")
                    .append(o.outputTokens() == null ? "?" : o.outputTokens()).append(" output tokens");
        }
        lines.add(b.append(", ").append(ms(o.totalMicros())).append(" in all.").toString());
    }

    private static int queue(Candidate c) {
        return Math.max(0, orZero(c.waitingRequests()) + (c.inFlightSinceMetrics() == null ? 0 : c.inFlightSinceMetrics()));
    }

    private static double kv(Candidate c) {
        return c.kvCacheUsage() == null ? 0 : Math.min(1.0, c.kvCacheUsage());
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    private static String name(Candidate c) {
        return c.endpoint().pod();
    }

    private static String weight(Map<String, Double> weights, String scorer) {
        Double w = weights.get(scorer);
        return w == null ? "?" : num(w);
    }

    private static String num(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.endsWith("0")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    private static String signed(double v) {
        return (v >= 0 ? "+" : "") + num(v);
    }

    private static String ms(long micros) {
        return micros >= 1_000_000 ? num(micros / 1e6) + " s" : num(micros / 1e3) + " ms";
    }
}
