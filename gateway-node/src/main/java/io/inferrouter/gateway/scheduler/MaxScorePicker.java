package io.inferrouter.gateway.scheduler;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/** Highest total score first; equal scores in random order, so ties spread the load. */
public final class MaxScorePicker implements Picker {

    public static final String NAME = "max-score";

    /** Above this many candidates the index no longer fits the packed sort key. */
    private static final int PACKED_LIMIT = 1 << 16;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[] rank(double[] totals) {
        int n = totals.length;
        if (n > PACKED_LIMIT) {
            return rankLarge(totals);
        }
        // One primitive sort of packed keys: score (as a sortable float) | random tie-break | index.
        // Scores closer than a float's precision count as equal, which is what a tie means here.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            long score = sortable((float) totals[i]) & 0xFFFF_FFFFL;
            keys[i] = (score << 32) | ((long) random.nextInt(1 << 16) << 16) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) (keys[n - 1 - i] & 0xFFFF);
        }
        return order;
    }

    /** Float bits reordered so that unsigned comparison of the result orders the floats. */
    private static int sortable(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) | 0x8000_0000);
    }

    private static int[] rankLarge(double[] totals) {
        Integer[] order = new Integer[totals.length];
        int[] shuffled = Pickers.shuffled(totals.length, ThreadLocalRandom.current());
        for (int i = 0; i < order.length; i++) {
            order[i] = shuffled[i];
        }
        Arrays.sort(order, (a, b) -> Double.compare(totals[b], totals[a]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }
}
