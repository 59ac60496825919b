package io.inferrouter.ingestor.scrape;

import java.time.Duration;

/**
 * Exponential back-off of one endpoint: after {@code n} consecutive failures the next scrape waits
 * {@code interval x 2^n}, at most {@code max}; a success goes back to the interval. Not thread-safe:
 * each endpoint's loop owns its own.
 */
public final class Backoff {

    private final long intervalNanos;
    private final long maxNanos;
    private int failures;

    public Backoff(Duration interval, Duration max) {
        if (interval.isNegative() || interval.isZero() || max.compareTo(interval) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < interval <= max, was " + interval + " / " + max);
        }
        this.intervalNanos = interval.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** A scrape failed: returns the wait before the next one. */
    public Duration failed() {
        failures = Math.min(failures + 1, 62);
        return current();
    }

    /** A scrape succeeded: returns the wait before the next one (the interval). */
    public Duration succeeded() {
        failures = 0;
        return current();
    }

    /** The wait before the next scrape as things stand. */
    public Duration current() {
        long wait = intervalNanos;
        for (int i = 0; i < failures && wait < maxNanos; i++) {
            wait = wait > maxNanos / 2 ? maxNanos : wait * 2;
        }
        return Duration.ofNanos(Math.min(wait, maxNanos));
    }

    public int failures() {
        return failures;
    }
}
