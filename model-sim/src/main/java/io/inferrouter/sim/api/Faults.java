package io.inferrouter.sim.api;

/**
 * The faults a drill can switch on for one pod. All fields are read on every request.
 */
public final class Faults {

    /** How {@code /metrics} answers. */
    public enum MetricsMode { OK, FAIL, HANG }

    private volatile MetricsMode metrics = MetricsMode.OK;
    private volatile int rejectStatus;
    private volatile int dropAfterTokens;

    public MetricsMode metrics() {
        return metrics;
    }

    public void metrics(MetricsMode mode) {
        this.metrics = mode;
    }

    /** Status inference requests are rejected with; 0 serves them. */
    public int rejectStatus() {
        return rejectStatus;
    }

    public void reject(int status) {
        if (status != 0 && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("reject status must be 0 or 400-599, was " + status);
        }
        this.rejectStatus = status;
    }

    /** A streamed answer's connection is cut after this many tokens; 0 never cuts. */
    public int dropAfterTokens() {
        return dropAfterTokens;
    }

    public void dropAfter(int tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("drop-after tokens must be >= 0, was " + tokens);
        }
        this.dropAfterTokens = tokens;
    }

    public void clear() {
        metrics = MetricsMode.OK;
        rejectStatus = 0;
        dropAfterTokens = 0;
    }
}
