package io.inferrouter.gateway.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * When the read a client connection is blocked in must have returned. Only a pending read has a
 * deadline, so a connection the gateway is writing to (a long stream) is never cut. A request head
 * has one budget from its first byte (so a head trickled a byte at a time is cut too; the wait for
 * that first byte, on a new or idle keep-alive connection, gets the same budget); each read of a body
 * gets the whole budget, as long as the client keeps sending. The connection's thread reports its
 * reads; {@link ClientGuard}'s sweeper calls {@link #cutIfExpired(long)}. Times are
 * {@link System#nanoTime()} values.
 */
final class ReadDeadline {

    private static final long NONE = Long.MAX_VALUE;

    private final long timeoutNanos;
    private final Consumer<Boolean> cut;
    /** Written by the connection's thread, read (and once cleared) by the sweeper. */
    private final AtomicLong deadline = new AtomicLong(NONE);
    /** The pending read waits for another request on a connection that had one; set before {@link #deadline}. */
    private volatile boolean idleWait;
    private volatile boolean expired;
    // The rest is touched by the connection's thread only.
    private BooleanSupplier readingRequestLine = () -> false;
    private boolean inBody;
    private boolean hadRequest;
    private long headSince = NONE;

    /**
     * @param cut closes the connection, told whether it was merely idle between requests (a keep-alive
     *            connection nobody uses) rather than a slow client; called at most once, from the sweeper
     */
    ReadDeadline(Duration timeout, Consumer<Boolean> cut) {
        this.timeoutNanos = timeout.toNanos();
        this.cut = cut;
    }

    /** Tells a read of the next request line from a read of the current body, once the connection exists. */
    void readingRequestLine(BooleanSupplier readingRequestLine) {
        this.readingRequestLine = readingRequestLine;
    }

    /** The connection's thread is about to block reading from the client. */
    void readStarting(long now) {
        if (inBody && readingRequestLine.getAsBoolean()) {
            // The previous request is done: this read waits for the next head.
            inBody = false;
        }
        idleWait = !inBody && headSince == NONE && hadRequest;
        deadline.set((inBody || headSince == NONE ? now : headSince) + timeoutNanos);
    }

    /** The read returned; {@code gotBytes} is false when it failed or the client closed. */
    void readDone(long now, boolean gotBytes) {
        deadline.set(NONE);
        if (!inBody && gotBytes && headSince == NONE) {
            headSince = now;
        }
    }

    /** The request head has been read: the following reads fetch its body. */
    void headRead() {
        inBody = true;
        hadRequest = true;
        headSince = NONE;
    }

    /** Cuts the connection if its pending read is past its deadline; true the one time it does. */
    boolean cutIfExpired(long now) {
        long d = deadline.get();
        if (d == NONE || now - d < 0 || !deadline.compareAndSet(d, NONE)) {
            return false;
        }
        expired = true;
        cut.accept(idleWait);
        return true;
    }

    /** Whether this connection was cut for reading too slowly. */
    boolean expired() {
        return expired;
    }

    Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }
}
