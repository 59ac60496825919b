package io.inferrouter.gateway.concurrent;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands items from request threads to one background thread without a lock: a lock-free queue
 * (compare-and-swap only) bounded by an atomic count. {@link #offer} never blocks; it refuses the
 * item when the consumer is {@code capacity} items behind, and the caller counts the drop. There
 * is no wake-up (waking a parked thread takes a lock), so the consumer polls and parks briefly when
 * it finds nothing.
 *
 * @param <T> what is handed over
 */
public final class BoundedHandOff<T> {

    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    public BoundedHandOff(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("hand-off capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** @return false, keeping nothing, when {@code capacity} items are already waiting */
    public boolean offer(T item) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        items.offer(item);
        return true;
    }

    /** The oldest waiting item, or null when none is. */
    public T poll() {
        T item = items.poll();
        if (item != null) {
            size.decrementAndGet();
        }
        return item;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }
}
