package io.inferrouter.admin.whatif;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A what-if report as JSON-ready maps: numbers that do not exist (NaN) are null, and each replay's
 * TTFT distribution is given as 51 quantiles (0, 2, ..., 100 %) instead of every request, so the
 * answer stays small for any window.
 */
public final class WhatIfJson {

    /** Quantiles of each distribution in the answer. */
    static final int QUANTILES = 50;

    private WhatIfJson() {
    }

    public static Map<String, Object> of(WhatIf.Report report) {
        Map<String, Object> out = new LinkedHashMap<>();
        WhatIf.Redecision r = report.redecision();
        if (r != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("decisions", r.decisions());
            d.put("same", r.same());
            d.put("different", r.different());
            d.put("reproduced", r.reproduced());
            d.put("skipped", r.skipped());
            d.put("firstDifferent", r.firstDifferent());
            d.put("otherProfilesWouldPickAnother", r.otherProfiles());
            out.put("redecision", d);
        }
        WhatIf.Arrivals a = report.arrivals();
        out.put("arrivals", Map.of("requests", a.requests().size(), "notReplayed", a.left(),
                "recordedProfile", a.profile() == null ? "" : a.profile(), "pods", a.pods()));
        if (report.recordedTtftMs() != null) {
            out.put("recordedTtftMs", latency(report.recordedTtftMs()));
            out.put("recordedTtftQuantiles", quantiles(a.recordedTtftMs()));
        }
        List<Map<String, Object>> replays = new ArrayList<>();
        for (ReplayResult x : report.replays()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("profile", x.profile());
            m.put("requests", x.requests());
            m.put("measured", x.measured());
            m.put("failed", x.failed());
            m.put("ttftMs", latency(x.ttftMs()));
            m.put("tpotMs", latency(x.tpotMs()));
            m.put("e2eMs", latency(x.e2eMs()));
            m.put("prefixHitRate", num(x.prefixHitRate()));
            m.put("preemptions", x.preemptions());
            m.put("pods", x.pods().stream().map(p -> {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("pod", p.pod());
                pm.put("requests", p.requests());
                pm.put("meanRunning", num(p.meanRunning()));
                pm.put("meanWaiting", num(p.meanWaiting()));
                pm.put("busyShare", num(p.busyShare()));
                pm.put("hitRate", num(p.hitRate()));
                return pm;
            }).toList());
            m.put("ttftQuantiles", quantiles(x.outcomes().stream().filter(RequestOutcome::measured)
                    .mapToDouble(RequestOutcome::ttftMs).toArray()));
            m.put("virtualSeconds", num(x.virtualSeconds()));
            m.put("wallSeconds", num(x.wallSeconds()));
            m.put("speed", num(x.speed()));
            replays.add(m);
        }
        out.put("replays", replays);
        return out;
    }

    private static Map<String, Object> latency(LatencySummary l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", l.count());
        m.put("p50", num(l.p50()));
        m.put("p90", num(l.p90()));
        m.put("p99", num(l.p99()));
        m.put("mean", num(l.mean()));
        return m;
    }

    /** [[quantile, value], ...] of the values that exist, nearest rank. */
    static List<double[]> quantiles(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        List<double[]> out = new ArrayList<>();
        if (v.length == 0) {
            return out;
        }
        for (int i = 0; i <= QUANTILES; i++) {
            double q = (double) i / QUANTILES;
            int rank = Math.max(0, (int) Math.ceil(q * v.length) - 1);
            out.add(new double[] {q, v[rank]});
        }
        return out;
    }

    private static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}
