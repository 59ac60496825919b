package io.inferrouter.ingestor.kv;

import io.inferrouter.ingestor.metrics.IngestorMetrics;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands KV-event records from the socket thread to Kafka on a thread of its own: a producer's
 * {@code send} can block (metadata, a full buffer while the broker is away), and the socket thread must
 * never wait on Kafka. Bounded: when full, {@link #offer} refuses and the caller counts on a snapshot
 * to repair the endpoint's record. Sends stay in the order offered, so one endpoint's records do too.
 */
final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(5);

    private final BlockingQueue<Runnable> queue;
    private final IngestorMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;

    Outbox(int capacity, IngestorMetrics metrics) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.metrics = metrics;
        this.thread = Thread.ofVirtual().name("kv-events-outbox").start(this::run);
    }

    /** Queues a send; false (counted) when the queue is full. */
    boolean offer(Runnable send) {
        if (queue.offer(send)) {
            return true;
        }
        metrics.kvDropped();
        return false;
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            try {
                Runnable send = queue.poll(100, TimeUnit.MILLISECONDS);
                if (send != null) {
                    send.run();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("kv events record not sent error={}", e.toString(), e);
            }
        }
    }

    /** Sends what is queued (for a few seconds at most), then stops. */
    @Override
    public void close() {
        running = false;
        try {
            if (!thread.join(DRAIN_ON_CLOSE)) {
                LOG.warn("kv events outbox closed with records unsent count={}", queue.size());
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
