package io.inferrouter.gateway.scheduler;

import java.util.concurrent.ThreadLocalRandom;

/** Ignores scores: a uniformly random order. The baseline every other strategy must beat. */
public final class RandomPicker implements Picker {

    public static final String NAME = "random";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[] rank(double[] totals) {
        return Pickers.shuffled(totals.length, ThreadLocalRandom.current());
    }
}
