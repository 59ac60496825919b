package io.inferrouter.bench.report;

import io.inferrouter.bench.load.RequestResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

/**
 * One load stage summarized as BENCHMARKS.md asks: TTFT, inter-token latency, time per output token
 * after the first (TPOT), normalized time per output token (end-to-end time over output tokens,
 * which charges queueing and prefill to every token) and end-to-end latency at p50/p90/p99
 * (milliseconds), output tokens per second, goodput at an SLO, errors, and the generator's own lag.
 *
 * @param timeScale the simulator's time scale; latencies are also reported divided by it ("model time")
 *                  and the SLO applies to model time
 */
public record StageStats(String strategy, String workload, double rate, int requests, int errors,
                         Map<String, Double> ttftMs, Map<String, Double> itlMs, Map<String, Double> tpotMs,
                         Map<String, Double> normalizedMsPerToken, Map<String, Double> e2eMs,
                         double outputTokensPerSecond, double goodputPerSecond,
                         double sloAttainment, double lagP99Ms, double timeScale) {

    public static StageStats of(String strategy, String workload, double rate, double stageSeconds, double timeScale,
                                double sloTtftMs, double sloTpotMs, List<RequestResult> results) {
        List<RequestResult> ok = results.stream().filter(RequestResult::ok).toList();
        long[] ttft = ok.stream().mapToLong(RequestResult::ttftNanos).toArray();
        long[] itl = ok.stream().flatMapToLong(r -> LongStream.of(r.itlNanos())).toArray();
        long[] tpot = ok.stream().filter(r -> r.tpotNanos() >= 0).mapToLong(r -> (long) r.tpotNanos()).toArray();
        long[] ntpot = ok.stream().filter(r -> r.normalizedNanosPerToken() >= 0)
                .mapToLong(r -> (long) r.normalizedNanosPerToken()).toArray();
        long[] e2e = ok.stream().mapToLong(RequestResult::e2eNanos).toArray();
        long[] lag = results.stream().mapToLong(RequestResult::lagNanos).toArray();
        long tokens = ok.stream().mapToLong(RequestResult::outputTokens).sum();
        long good = ok.stream().filter(r -> r.ttftNanos() / 1e6 / timeScale <= sloTtftMs
                && (r.tpotNanos() < 0 || r.tpotNanos() / 1e6 / timeScale <= sloTpotMs)).count();
        return new StageStats(strategy, workload, rate, results.size(), results.size() - ok.size(),
                pct(ttft), pct(itl), pct(tpot), pct(ntpot), pct(e2e), tokens / stageSeconds, good / stageSeconds,
                results.isEmpty() ? 0 : (double) good / results.size(),
                Percentiles.ofNanosAsMillis(lag).at(99), timeScale);
    }

    private static Map<String, Double> pct(long[] nanos) {
        Percentiles p = Percentiles.ofNanosAsMillis(nanos);
        Map<String, Double> m = new TreeMap<>();
        m.put("p50", p.at(50));
        m.put("p90", p.at(90));
        m.put("p99", p.at(99));
        return m;
    }
}
