package io.inferrouter.bench.load;

import java.util.random.RandomGenerator;

/**
 * Inter-arrival times of an open-loop load. Poisson arrivals have exponential gaps; bursty ones
 * have gamma gaps with shape {@code burstiness} (1 = Poisson, below 1 = burstier), the same mean.
 */
public final class Arrivals {

    private final double ratePerSecond;
    private final double burstiness;
    private final RandomGenerator random;

    public Arrivals(double ratePerSecond, double burstiness, RandomGenerator random) {
        if (ratePerSecond <= 0 || burstiness <= 0) {
            throw new IllegalArgumentException("rate and burstiness must be positive");
        }
        this.ratePerSecond = ratePerSecond;
        this.burstiness = burstiness;
        this.random = random;
    }

    public static Arrivals poisson(double ratePerSecond, RandomGenerator random) {
        return new Arrivals(ratePerSecond, 1.0, random);
    }

    /** The next gap, in nanoseconds. */
    public long nextGapNanos() {
        double seconds = burstiness == 1.0
                ? -Math.log(1 - random.nextDouble()) / ratePerSecond
                : gamma(burstiness, 1.0 / (ratePerSecond * burstiness));
        return (long) (seconds * 1e9);
    }

    /** Marsaglia and Tsang's method; for shape below 1, boosted by U^(1/shape). */
    private double gamma(double shape, double scale) {
        if (shape < 1) {
            return gamma(shape + 1, scale) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v * scale;
            }
        }
    }
}
