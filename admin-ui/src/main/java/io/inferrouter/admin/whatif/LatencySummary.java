package io.inferrouter.admin.whatif;

import java.util.Arrays;

/**
 * Percentiles of one latency over a replay's requests, in milliseconds, by the nearest-rank method
 * (as the benchmarks report them); NaN when there is no sample.
 *
 * @param count how many requests the sample has
 * @param p50   median
 * @param p90   90th percentile
 * @param p99   99th percentile
 * @param mean  mean
 */
public record LatencySummary(int count, double p50, double p90, double p99, double mean) {

    /** Of the finite values among {@code ms} (NaN marks a request without this latency). */
    public static LatencySummary of(double[] ms) {
        double[] sorted = Arrays.stream(ms).filter(Double::isFinite).sorted().toArray();
        if (sorted.length == 0) {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencySummary(sorted.length, at(sorted, 50), at(sorted, 90), at(sorted, 99),
                Arrays.stream(sorted).average().orElse(Double.NaN));
    }

    private static double at(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
