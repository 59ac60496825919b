package io.inferrouter.admin.decisions;

import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.serde.JsonSerde;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live view: follows the decisions topic from a little before its end and keeps the newest
 * decisions in memory (a bounded deque; the admin UI is not on the request path, so a lock is
 * fine here). Unreadable records are counted, logged and skipped.
 */
public final class DecisionTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionTail.class);

    private final Consumer<String, byte[]> consumer;
    private final int capacity;
    private final JsonSerde<RoutingDecision> serde = new JsonSerde<>(RoutingDecision.class);
    private final Deque<LoggedDecision> newestFirst = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Counter consumed;
    private final Counter unreadable;
    private final Thread thread;
    private volatile boolean assigned;
    private volatile boolean healthy = true;
    private volatile boolean running = true;

    private DecisionTail(Consumer<String, byte[]> consumer, int capacity, MeterRegistry registry) {
        this.consumer = consumer;
        this.capacity = capacity;
        this.consumed = Counter.builder("admin_decisions_consumed").description("decisions read from the topic")
                .register(registry);
        this.unreadable = Counter.builder("admin_decisions_unreadable")
                .description("records of the decisions topic that could not be read").register(registry);
        this.thread = Thread.ofPlatform().daemon().name("decision-tail").unstarted(this::run);
    }

    /** Starts following; {@code consumers} makes a consumer of String keys and byte values, no group. */
    public static DecisionTail start(Supplier<Consumer<String, byte[]>> consumers, int capacity, MeterRegistry registry) {
        DecisionTail tail = new DecisionTail(consumers.get(), capacity, registry);
        tail.thread.start();
        return tail;
    }

    /** The newest decisions that match, newest first, at most {@code limit}. */
    public List<LoggedDecision> recent(DecisionFilter filter, int limit) {
        List<LoggedDecision> out = new ArrayList<>();
        lock.lock();
        try {
            for (LoggedDecision d : newestFirst) {
                if (out.size() >= limit) {
                    break;
                }
                if (filter.test(d.decision())) {
                    out.add(d);
                }
            }
        } finally {
            lock.unlock();
        }
        // Arrival order across partitions is only roughly time order; show it by request time.
        out.sort(java.util.Comparator.comparingLong((LoggedDecision d) -> d.decision().receivedAtMs()).reversed());
        return out;
    }

    /** The newest decision of {@code requestId} still in memory, or null. */
    public LoggedDecision find(String requestId) {
        lock.lock();
        try {
            for (LoggedDecision d : newestFirst) {
                if (d.decision().requestId().equals(requestId)) {
                    return d;
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** True once the consumer holds every partition of the topic and its last poll worked. */
    public boolean ready() {
        return assigned && healthy;
    }

    private void run() {
        long backoffMs = 500;
        while (running) {
            try {
                if (!assigned) {
                    assign();
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    keep(r);
                }
                healthy = true;
                backoffMs = 500;
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                healthy = false;
                LOG.warn("decision tail failed, retrying topic={} inMs={} error={}", Topics.DECISIONS.name(), backoffMs,
                        e.toString());
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 10_000);
            }
        }
    }

    private void assign() {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.DECISIONS.name(), Duration.ofSeconds(10))
                .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + Topics.DECISIONS.name() + " has no partitions yet");
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long share = Math.max(1, capacity / partitions.size());
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - share));
        }
        assigned = true;
        LOG.info("decision tail following topic={} partitions={} keep={}", Topics.DECISIONS.name(), partitions.size(),
                capacity);
    }

    private void keep(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        RoutingDecision d;
        try {
            d = serde.deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            unreadable.increment();
            LOG.warn("unreadable decision skipped topic={} partition={} offset={} error={}", r.topic(), r.partition(),
                    r.offset(), e.getMessage());
            return;
        }
        consumed.increment();
        lock.lock();
        try {
            newestFirst.addFirst(new LoggedDecision(r.partition(), r.offset(), r.timestamp(), d));
            while (newestFirst.size() > capacity) {
                newestFirst.removeLast();
            }
        } finally {
            lock.unlock();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // A consumer is not thread-safe: leave it to its thread, which ends at its next poll.
            LOG.warn("decision tail did not stop within 5 s; its consumer is left to close with the process");
            return;
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
