package io.inferrouter.gateway.scheduler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Ignores scores: each request starts one endpoint further along than the last. The request's turn
 * is its seed, so a recorded decision names where it started.
 */
public final class RoundRobinPicker implements Picker {

    public static final String NAME = "round-robin";

    private final AtomicLong next = new AtomicLong();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long nextSeed() {
        return next.getAndIncrement();
    }

    @Override
    public int[] rank(double[] totals, long seed) {
        int n = totals.length;
        int[] order = new int[n];
        if (n == 0) {
            return order;
        }
        int start = (int) Math.floorMod(seed, (long) n);
        for (int i = 0; i < n; i++) {
            order[i] = (start + i) % n;
        }
        return order;
    }
}
