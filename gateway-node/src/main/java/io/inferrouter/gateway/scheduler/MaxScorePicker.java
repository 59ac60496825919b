package io.inferrouter.gateway.scheduler;

import java.util.concurrent.ThreadLocalRandom;

/** Highest total score first; equal scores in random order, so ties spread the load. */
public final class MaxScorePicker implements Picker {

    public static final String NAME = "max-score";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[] rank(double[] totals) {
        int n = totals.length;
        int[] order = Pickers.shuffled(n, ThreadLocalRandom.current());
        // Insertion sort: pools are small and the input is random, so this is cheap and stable.
        for (int i = 1; i < n; i++) {
            int v = order[i];
            int j = i - 1;
            while (j >= 0 && totals[order[j]] < totals[v]) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = v;
        }
        return order;
    }
}
