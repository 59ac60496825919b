package io.inferrouter.gateway.scheduler;

/** Ignores scores: a uniformly random order (from the request's seed). The baseline every other strategy must beat. */
public final class RandomPicker implements Picker {

    public static final String NAME = "random";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[] rank(double[] totals, long seed) {
        return Pickers.shuffled(totals.length, seed);
    }
}
