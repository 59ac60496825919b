package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.PoolSnapshot;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * One request's scheduling cycle: what every plugin may read (the request, the pool snapshot, the
 * time) and the cycle state, where a plugin keeps what it computes once per request and reads again
 * later in the cycle, or shares with other plugins (the prefix-cache scorer's prompt block hashes,
 * computed for scoring and used again when it learns which endpoint served). The context lives from
 * scheduling to the end of the request. Used by the request's own thread only.
 */
public final class SchedulingContext {

    /**
     * Names one value in the cycle state; keys are compared by identity, so a plugin declares its
     * keys once, as constants.
     *
     * @param <T> the value's type
     */
    public static final class Key<T> {
        private final String name;

        public Key(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final SchedulingRequest request;
    private final PoolSnapshot pool;
    private final long nowMs;
    /** Keys and values side by side, allocated on the first value: most profiles keep one or none. */
    private Object[] state;
    private int stateSize;

    public SchedulingContext(SchedulingRequest request, PoolSnapshot pool, long nowMs) {
        this.request = Objects.requireNonNull(request, "request");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.nowMs = nowMs;
    }

    public SchedulingRequest request() {
        return request;
    }

    public PoolSnapshot pool() {
        return pool;
    }

    /** The time the cycle decides at, epoch ms: metric ages are measured against it. */
    public long nowMs() {
        return nowMs;
    }

    /** The value of {@code key} in this cycle, computed by {@code compute} the first time it is asked for. */
    @SuppressWarnings("unchecked")
    public <T> T computeIfAbsent(Key<T> key, Function<SchedulingContext, ? extends T> compute) {
        for (int i = 0; i < stateSize; i += 2) {
            if (state[i] == key) {
                return (T) state[i + 1];
            }
        }
        T value = compute.apply(this);
        if (state == null) {
            state = new Object[4];
        } else if (stateSize == state.length) {
            state = Arrays.copyOf(state, state.length * 2);
        }
        state[stateSize++] = key;
        state[stateSize++] = value;
        return value;
    }
}
