package io.inferrouter.admin.whatif;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The replay's virtual clock: events ordered by time, then by {@link Event#rank()}, then by the order
 * they were scheduled, so a replay of the same input processes the same events in the same order.
 */
final class EventQueue {

    /** An event due at {@code atNanos} of virtual time; {@code seq} counts schedulings. */
    record Timed(long atNanos, long seq, Event event) {
    }

    private static final Comparator<Timed> ORDER = Comparator.comparingLong(Timed::atNanos)
            .thenComparingInt(t -> t.event().rank())
            .thenComparingLong(Timed::seq);

    private final PriorityQueue<Timed> heap = new PriorityQueue<>(ORDER);
    private long seq;
    private long now;

    /** @throws IllegalArgumentException when {@code atNanos} is before the event being handled */
    void schedule(long atNanos, Event event) {
        if (atNanos < now) {
            throw new IllegalArgumentException("event " + event + " scheduled at " + atNanos + " ns, before the "
                    + "clock's " + now + " ns");
        }
        heap.add(new Timed(atNanos, seq++, event));
    }

    /** The next event, with the clock moved to its time; null when none is left. */
    Timed next() {
        Timed t = heap.poll();
        if (t != null) {
            now = t.atNanos();
        }
        return t;
    }

    /** The time of the event last returned by {@link #next()}. */
    long now() {
        return now;
    }

    int size() {
        return heap.size();
    }
}
