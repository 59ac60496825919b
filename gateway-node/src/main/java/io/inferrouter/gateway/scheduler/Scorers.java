package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Shared scoring arithmetic. */
final class Scorers {

    private Scorers() {
    }

    /**
     * Min-max normalization where less is better: the least loaded candidate scores 1, the most
     * loaded 0, and all score 1 when they are equal.
     */
    static double[] lessIsBetter(List<Endpoint> candidates, ToDoubleFunction<Endpoint> load) {
        double[] values = new double[candidates.size()];
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < values.length; i++) {
            values[i] = load.applyAsDouble(candidates.get(i));
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
        }
        double range = max - min;
        for (int i = 0; i < values.length; i++) {
            values[i] = range <= 0 ? 1.0 : (max - values[i]) / range;
        }
        return values;
    }
}
