package io.inferrouter.gateway.scheduler;

import java.util.Arrays;

/**
 * Highest total score first; equal scores in an order drawn from the request's seed, so ties spread
 * the load and a recorded decision's tie-break can be reproduced.
 */
public final class MaxScorePicker implements Picker {

    public static final String NAME = "max-score";

    /** Above this many candidates the index no longer fits the packed sort key. */
    private static final int PACKED_LIMIT = 1 << 16;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[] rank(double[] totals, long seed) {
        int n = totals.length;
        if (n > PACKED_LIMIT) {
            return rankLarge(totals, seed);
        }
        // One primitive sort of packed keys: score (as a signed-sortable float) | random tie-break | index.
        // The score fills the upper, signed half, so signed order of the keys is the order of the totals,
        // negative totals included. Scores closer than a float's precision count as equal: that is a tie.
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            long score = sortable((float) totals[i]);
            keys[i] = (score << 32) | ((Pickers.mix(seed, i) >>> 48) << 16) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) (keys[n - 1 - i] & 0xFFFF);
        }
        return order;
    }

    /**
     * Float bits reordered so that signed comparison of the result orders the floats: negative floats
     * keep their sign bit and have the rest flipped, so a more negative float gives a smaller int.
     */
    static int sortable(float f) {
        // -0.0 and 0.0 are the same score; NaN (a broken scorer) ranks last.
        int bits = Float.isNaN(f) ? Float.floatToIntBits(Float.NEGATIVE_INFINITY) : Float.floatToIntBits(f + 0.0f);
        return bits ^ ((bits >> 31) & 0x7FFF_FFFF);
    }

    private static int[] rankLarge(double[] totals, long seed) {
        Integer[] order = new Integer[totals.length];
        int[] shuffled = Pickers.shuffled(totals.length, seed);
        for (int i = 0; i < order.length; i++) {
            order[i] = shuffled[i];
        }
        Arrays.sort(order, (a, b) -> Double.compare(totals[b], totals[a]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }
}
