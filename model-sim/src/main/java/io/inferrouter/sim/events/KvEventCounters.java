package io.inferrouter.sim.events;

import java.util.concurrent.atomic.AtomicLong;

/** One pod's KV-event counts, kept across restarts of its publisher (the pod's /metrics shows them). */
public final class KvEventCounters {

    final AtomicLong published = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong replays = new AtomicLong();

    /** Batches sent on the PUB socket. */
    public long published() {
        return published.get();
    }

    /** Batches dropped because the publisher's queue was full (the engine never waits for it). */
    public long dropped() {
        return dropped.get();
    }

    /** Replay requests answered. */
    public long replays() {
        return replays.get();
    }
}
