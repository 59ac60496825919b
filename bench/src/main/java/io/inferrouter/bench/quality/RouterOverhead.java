package io.inferrouter.bench.quality;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's own time per request over one load stage: its scheduler decision time, from the
 * {@code gateway_decision_duration} timers (a cumulative Prometheus histogram) read before and after
 * the stage. Percentiles are interpolated inside the histogram's buckets, so they are approximate
 * (Micrometer's buckets are roughly 30% wide); the mean is exact.
 *
 * <p>This is the scheduler's part of the router's overhead, not the whole proxy path (body parse,
 * upstream connect, copying the stream); the gateway exposes no receive-to-upstream-send timer, and
 * {@code ./dev bench overhead} measures the whole added latency against a zero-latency backend.
 *
 * @param decisions decisions made during the stage
 */
public record RouterOverhead(long decisions, double meanMicros, double p50Micros, double p99Micros) {

    static final String TIMER = "gateway_decision_duration";

    /** The gateway's decision timers summed at one moment. */
    public record Snapshot(long count, double totalNanos, TreeMap<Double, Double> cumulativeByUpperNanos) {
    }

    public static Snapshot snapshot(MeterRegistry registry) {
        return snapshot(List.of(registry), TIMER);
    }

    /** The timers named {@code timer} summed over several registries (gateway replicas) at one moment. */
    public static Snapshot snapshot(List<? extends MeterRegistry> registries, String timer) {
        long count = 0;
        double total = 0;
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (MeterRegistry registry : registries) {
            for (Timer t : registry.find(timer).timers()) {
                HistogramSnapshot s = t.takeSnapshot();
                count += s.count();
                total += s.total(TimeUnit.NANOSECONDS);
                for (CountAtBucket b : s.histogramCounts()) {
                    buckets.merge(b.bucket(TimeUnit.NANOSECONDS), b.count(), Double::sum);
                }
            }
        }
        return new Snapshot(count, total, buckets);
    }

    /** What happened between two snapshots of the same gateway. */
    public static RouterOverhead between(Snapshot before, Snapshot after) {
        long n = after.count() - before.count();
        if (n <= 0) {
            return new RouterOverhead(0, Double.NaN, Double.NaN, Double.NaN);
        }
        TreeMap<Double, Double> delta = new TreeMap<>();
        for (Map.Entry<Double, Double> e : after.cumulativeByUpperNanos().entrySet()) {
            delta.put(e.getKey(), e.getValue() - before.cumulativeByUpperNanos().getOrDefault(e.getKey(), 0.0));
        }
        return new RouterOverhead(n, (after.totalNanos() - before.totalNanos()) / n / 1e3, quantile(delta, n, 0.50),
                quantile(delta, n, 0.99));
    }

    /** Linear interpolation inside the first bucket whose cumulative count reaches q * n, in microseconds. */
    static double quantile(TreeMap<Double, Double> cumulative, long n, double q) {
        double target = q * n;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= target) {
                double inBucket = e.getValue() - lowerCount;
                double fraction = inBucket <= 0 ? 1 : (target - lowerCount) / inBucket;
                return (lowerBound + fraction * (e.getKey() - lowerBound)) / 1e3;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        // Beyond the last bucket: the largest bound is all that is known.
        return lowerBound / 1e3;
    }
}
