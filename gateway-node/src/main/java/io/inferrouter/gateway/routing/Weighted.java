package io.inferrouter.gateway.routing;

import java.util.List;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/** Picks one item by relative weight: the traffic split of targetModels, rewrites and routes. */
public final class Weighted {

    private Weighted() {
    }

    /**
     * @param weight an item's weight; items with weight 0 are never picked unless all are 0, in which
     *               case the pick is uniform
     */
    public static <T> T pick(List<T> items, ToIntFunction<T> weight, RandomGenerator random) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("nothing to pick from");
        }
        if (items.size() == 1) {
            return items.get(0);
        }
        long total = 0;
        for (T item : items) {
            total += Math.max(0, weight.applyAsInt(item));
        }
        if (total == 0) {
            return items.get(random.nextInt(items.size()));
        }
        long ticket = random.nextLong(total);
        for (T item : items) {
            ticket -= Math.max(0, weight.applyAsInt(item));
            if (ticket < 0) {
                return item;
            }
        }
        return items.get(items.size() - 1);
    }
}
