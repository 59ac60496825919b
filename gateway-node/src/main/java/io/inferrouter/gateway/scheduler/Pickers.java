package io.inferrouter.gateway.scheduler;

/** Seeded, allocation-free randomness for pickers: the same seed gives the same order. */
final class Pickers {

    private Pickers() {
    }

    /** SplitMix64's finalizer: a well-mixed 64-bit value of {@code seed} and {@code i}. */
    static long mix(long seed, long i) {
        long z = seed + (i + 1) * 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** A permutation of {@code 0..n-1} (Fisher-Yates), determined by {@code seed}. */
    static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(mix(seed, i), i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
