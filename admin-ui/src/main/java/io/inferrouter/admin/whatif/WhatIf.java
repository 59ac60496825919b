package io.inferrouter.admin.whatif;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.decisions.Redecider;
import io.inferrouter.gateway.scheduler.PrecisePrefixSources;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.Profiles;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.traces.TraceRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * "What if": a window of recorded decisions (or a trace) re-run under other scheduler profiles.
 * Two answers, because a different choice changes every later state:
 * <ol>
 *   <li>{@link #redecide}: every recorded request re-decided from its recorded inputs with the
 *       production scheduler. With the recorded profile it must reproduce every choice (the
 *       determinism check); with another profile it says how often that one would have chosen
 *       otherwise on the same inputs.</li>
 *   <li>{@link #replay}: the window's arrivals (times, prompt lengths and block hashes, answer lengths)
 *       replayed through a simulated fleet shaped like the recorded one, in virtual time, once per
 *       profile ({@link WhatIfReplay}); with the recorded TTFT beside the replayed one, the replay's
 *       calibration error on this window.</li>
 * </ol>
 * Used by {@code ./dev whatif} ({@link WhatIfCommand}), admin-ui's {@code POST /api/whatif} and the
 * calibration benchmark.
 */
public final class WhatIf {

    private WhatIf() {
    }

    /**
     * The re-decision of a window.
     *
     * @param decisions       records in the window
     * @param same            re-decided with their recorded profile to the recorded ranking
     * @param different       re-decided to another ranking (a determinism failure)
     * @param skipped         not re-decidable, by reason
     * @param firstDifferent  the first few differences, as "request: reason"
     * @param otherProfiles   per profile asked for: of the re-decidable requests, how many it would
     *                        have ranked first otherwise (same inputs)
     */
    public record Redecision(int decisions, int same, int different, Map<String, Integer> skipped,
                             List<String> firstDifferent, Map<String, Integer> otherProfiles) {

        /** Same over re-decided, 0..1; 1 when nothing could be re-decided. */
        public double reproduced() {
            return same + different == 0 ? 1 : (double) same / (same + different);
        }
    }

    /**
     * Arrivals read from decisions.
     *
     * @param requests    one per request that reached a pool and was answered with token counts
     * @param recordedTtftMs the recorded TTFT of those requests, in their order (NaN when none)
     * @param left        decisions not replayed, by reason
     * @param profile     the profile most of the window was decided with, or null
     * @param pods        distinct endpoints the window's decisions saw for the pool
     */
    public record Arrivals(List<TraceRequest> requests, double[] recordedTtftMs, Map<String, Integer> left,
                           String profile, int pods) {
    }

    /** The whole answer: the re-decision (null for a trace) and one replay per profile. */
    public record Report(Redecision redecision, Arrivals arrivals, LatencySummary recordedTtftMs,
                         List<ReplayResult> replays) {
    }

    /** Re-decides every decision with its recorded profile, and counts what {@code profiles} would change. */
    public static Redecision redecide(List<RoutingDecision> decisions, GatewayConfig gateway, List<String> profiles) {
        int same = 0;
        int different = 0;
        Map<String, Integer> skipped = new TreeMap<>();
        List<String> firstDifferent = new ArrayList<>();
        Map<String, Integer> other = new LinkedHashMap<>();
        try (Redecider redecider = new Redecider(); PrefixIndex unused = PrefixIndex.singleThreaded(1)) {
            Profiles built = Profiles.build(gateway, unused, PrecisePrefixSources.off());
            Map<String, Scheduler> asked = new LinkedHashMap<>();
            for (String p : profiles) {
                Scheduler s = built.get(p);
                if (s == null) {
                    throw new IllegalArgumentException("unknown profile '" + p + "'; known: " + built.names());
                }
                asked.put(p, s);
                other.put(p, 0);
            }
            for (RoutingDecision d : decisions) {
                Redecider.Result r = redecider.redecide(d);
                switch (r.verdict()) {
                    case SAME -> same++;
                    case DIFFERENT -> {
                        different++;
                        if (firstDifferent.size() < 10) {
                            firstDifferent.add(d.requestId() + ": " + r.reason());
                        }
                    }
                    case SKIPPED -> skipped.merge(reasonClass(r.reason()), 1, Integer::sum);
                }
                if (r.verdict() == Redecider.Verdict.SKIPPED || r.redecided().isEmpty()) {
                    continue;
                }
                for (Map.Entry<String, Scheduler> e : asked.entrySet()) {
                    Redecider.Result o = redecider.redecide(d, e.getValue());
                    if (!o.redecided().isEmpty() && !o.redecided().get(0).equals(r.recorded().get(0))) {
                        other.merge(e.getKey(), 1, Integer::sum);
                    }
                }
            }
        }
        return new Redecision(decisions.size(), same, different, skipped, firstDifferent, other);
    }

    /** A skip reason without the numbers that make each one unique, so they can be counted. */
    private static String reasonClass(String reason) {
        return reason.replaceAll("\\d+", "N");
    }

    /**
     * The requests of a window as a trace: each answered request of {@code pool} with its arrival time,
     * token counts from its usage and its prompt's recorded block hashes (the ids of equal content).
     */
    public static Arrivals arrivals(List<RoutingDecision> decisions) {
        List<TraceRequest> out = new ArrayList<>();
        List<Double> ttft = new ArrayList<>();
        Map<String, Integer> left = new TreeMap<>();
        Map<String, Integer> profiles = new TreeMap<>();
        java.util.Set<String> pods = new java.util.HashSet<>();
        for (RoutingDecision d : decisions) {
            d.candidates().forEach(c -> pods.add(c.endpoint().toString()));
            RoutingDecision.Outcome o = d.outcome();
            if (d.pool() == null) {
                left.merge("refused before a pool was chosen", 1, Integer::sum);
                continue;
            }
            if (o.status() != 200 || o.promptTokens() == null || o.outputTokens() == null || o.outputTokens() < 1) {
                left.merge(o.status() == 200 ? "answered without token counts" : "status " + o.status(), 1,
                        Integer::sum);
                continue;
            }
            if (d.profile() != null) {
                profiles.merge(d.profile(), 1, Integer::sum);
            }
            RoutingDecision.Scheduling s = d.scheduling();
            long[] ids = s == null || s.promptHashes() == null ? new long[0] : longs(s.promptHashes());
            int blockTokens = s == null || s.promptHashTokens() < 1 ? 16 : s.promptHashTokens();
            int maxIds = (o.promptTokens() + blockTokens - 1) / blockTokens;
            if (ids.length > maxIds) {
                // The approximate hashes count characters (4 a token): never name more blocks than the prompt has.
                ids = java.util.Arrays.copyOf(ids, maxIds);
            }
            out.add(new TraceRequest(d.receivedAtMs(), null, o.promptTokens(), o.outputTokens(), ids, blockTokens));
            ttft.add(o.ttftMicros() == null ? Double.NaN : o.ttftMicros() / 1000.0);
        }
        // Replays order by arrival; keep the recorded TTFTs in the same order.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(out.get(a).timestampMs(), out.get(b).timestampMs()));
        List<TraceRequest> sorted = new ArrayList<>(out.size());
        double[] recorded = new double[out.size()];
        for (int i = 0; i < order.size(); i++) {
            sorted.add(out.get(order.get(i)));
            recorded[i] = ttft.get(order.get(i));
        }
        String profile = profiles.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(null);
        return new Arrivals(List.copyOf(sorted), recorded, left, profile, pods.size());
    }

    /** Replays the arrivals once per profile, with the recorded TTFT of the same requests beside them. */
    public static Report replay(Redecision redecision, Arrivals arrivals, ReplaySetup setup, List<String> profiles) {
        Objects.requireNonNull(arrivals, "arrivals");
        if (arrivals.requests().isEmpty()) {
            throw new IllegalArgumentException("nothing to replay: the window has no answered request with token"
                    + " counts" + (arrivals.left().isEmpty() ? "" : " (left out: " + arrivals.left() + ")"));
        }
        List<ReplayResult> results = new WhatIfReplay(setup).runAll(arrivals.requests(), profiles);
        LatencySummary recorded = recordedTtft(arrivals, setup);
        return new Report(redecision, arrivals, recorded, results);
    }

    /** The recorded TTFT of the requests the replay measures (after its warm-up), for calibration. */
    private static LatencySummary recordedTtft(Arrivals arrivals, ReplaySetup setup) {
        List<TraceRequest> rs = arrivals.requests();
        long warmUpEnd = rs.get(0).timestampMs() + setup.warmUp().toMillis();
        List<Double> kept = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            if (rs.get(i).timestampMs() >= warmUpEnd && !Double.isNaN(arrivals.recordedTtftMs()[i])) {
                kept.add(arrivals.recordedTtftMs()[i]);
            }
        }
        return kept.isEmpty() ? null : LatencySummary.of(kept.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static long[] longs(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64));
        long[] out = new long[b.remaining() / Long.BYTES];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong();
        }
        return out;
    }
}
