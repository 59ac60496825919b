package io.inferrouter.gateway.concurrent;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands items from request threads to one background thread without a lock: a lock-free queue
 * (compare-and-swap only) bounded by an atomic count. {@link #offer} never blocks; it refuses the
 * item when the consumer is {@code capacity} items behind, and the caller counts the drop.
 * <p>
 * The consumer waits in {@link #take}: when it finds nothing it raises a flag, looks once more and
 * parks. An offer that sees the flag unparks it ({@link LockSupport#unpark}: no Java lock, one
 * futex wake), so under load, when the consumer is busy, an offer costs a volatile read and no
 * wake-up at all; when idle, the consumer costs nothing and an item waits for no timer.
 * <p>
 * With a linger, a consumer that has just drained the queue first sleeps that long without raising
 * the flag, then takes everything that came meanwhile: under a steady load, one timer wake-up per
 * linger replaces a wake-up per item (thousands a second), at the price of items waiting up to the
 * linger. The first item after an idle spell still wakes the consumer at once.
 *
 * @param <T> what is handed over
 */
public final class BoundedHandOff<T> {

    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean consumerParked = new AtomicBoolean();
    private final int capacity;
    private final long lingerNanos;
    private volatile Thread consumer;
    /** Whether the consumer's last take found an item (so it is busy and lingers before parking). */
    private boolean busy;

    public BoundedHandOff(int capacity) {
        this(capacity, 0);
    }

    /** @param lingerNanos how long a consumer that has just drained the queue waits for more before parking */
    public BoundedHandOff(int capacity, long lingerNanos) {
        if (capacity < 1) {
            throw new IllegalArgumentException("hand-off capacity must be >= 1, was " + capacity);
        }
        if (lingerNanos < 0) {
            throw new IllegalArgumentException("hand-off linger must be >= 0, was " + lingerNanos);
        }
        this.capacity = capacity;
        this.lingerNanos = lingerNanos;
    }

    /** @return false, keeping nothing, when {@code capacity} items are already waiting */
    public boolean offer(T item) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        items.offer(item);
        if (consumerParked.get() && consumerParked.compareAndSet(true, false)) {
            LockSupport.unpark(consumer);
        }
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

    /**
     * The oldest waiting item, waiting for one at most {@code maxWaitNanos}; null when none came (or
     * {@link #wake} was called). Only the one consumer thread may call it.
     */
    public T take(long maxWaitNanos) {
        T item = poll();
        if (item == null && busy && lingerNanos > 0) {
            // Offers made now see no flag and wake nobody: they are taken after the linger, together.
            LockSupport.parkNanos(this, lingerNanos);
            item = poll();
        }
        busy = item != null;
        if (item != null) {
            return item;
        }
        consumer = Thread.currentThread();
        consumerParked.set(true);
        // Look again after raising the flag: an offer made before it saw no flag and woke nobody.
        item = poll();
        if (item == null) {
            LockSupport.parkNanos(this, maxWaitNanos);
            item = poll();
        }
        consumerParked.set(false);
        busy = item != null;
        return item;
    }

    /** Wakes the consumer from {@link #take}, for example to let it see that it should stop. */
    public void wake() {
        Thread t = consumer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }
}
