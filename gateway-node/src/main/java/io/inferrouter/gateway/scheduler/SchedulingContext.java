package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.EndpointLoad;
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
 *
 * <p>Everything a cycle decides on is read once and kept here, so that the decision record says
 * exactly what the plugins saw and a replay can give them the same: the endpoints' live load
 * counters ({@link #inFlight}, {@link #waitingEstimate}: read on first use, then fixed for the
 * cycle, while other requests keep changing them), the plugins' lookups (prefix matches, in the
 * cycle state) and the tie-break {@link #seed()}.
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
    private long seed;
    private boolean seeded;
    /** Per pool position: in flight and added since metrics, packed; read once per cycle. */
    private long[] loads;
    private boolean[] loadRead;
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

    /** Requests in flight to {@code e} (every gateway's), as this cycle reads it. */
    public int inFlight(Endpoint e) {
        return (int) (load(e) >> 32);
    }

    /** Of {@link #inFlight}, the requests added since {@code e}'s metrics were taken (negative: finished). */
    public int inFlightSinceMetrics(Endpoint e) {
        return (int) load(e);
    }

    /** {@code e}'s scraped queue plus the requests added since (never below zero), as this cycle reads it. */
    public int waitingEstimate(Endpoint e) {
        return Math.max(0, e.scrapedWaiting() + inFlightSinceMetrics(e));
    }

    private long load(Endpoint e) {
        int i = pool.position(e);
        if (i < 0) {
            return read(e.load());
        }
        if (loads == null) {
            loads = new long[pool.endpoints().size()];
            loadRead = new boolean[loads.length];
        }
        if (!loadRead[i]) {
            loads[i] = read(e.load());
            loadRead[i] = true;
        }
        return loads[i];
    }

    private static long read(EndpointLoad load) {
        int inFlight = load.inFlight();
        int since = inFlight - load.inFlightAtMetrics();
        return ((long) inFlight << 32) | (since & 0xFFFF_FFFFL);
    }

    /** True once the request has a seed: drawn by the scheduler, or given by a replay. */
    public boolean seeded() {
        return seeded;
    }

    /** The request's tie-break seed ({@link Picker#rank}); 0 until {@link #seeded()}. */
    public long seed() {
        return seed;
    }

    /** Sets the seed: the scheduler draws one per request; a replay gives the recorded one. */
    public void seed(long seed) {
        this.seed = seed;
        this.seeded = true;
    }

    /** The value of {@code key} in this cycle, or null when nothing has put or computed it. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        for (int i = 0; i < stateSize; i += 2) {
            if (state[i] == key) {
                return (T) state[i + 1];
            }
        }
        return null;
    }

    /**
     * Gives {@code key} its value before any plugin computes it: a replay re-decides a recorded request
     * from what its plugins saw then (its prefix matches), not from today's indexes.
     *
     * @throws IllegalStateException when the key already has a value
     */
    public <T> void preset(Key<T> key, T value) {
        if (get(key) != null) {
            throw new IllegalStateException("cycle state " + key + " already has a value");
        }
        computeIfAbsent(key, c -> value);
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
