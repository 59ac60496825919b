package io.inferrouter.gateway.decisions;

import io.inferrouter.gateway.concurrent.BoundedHandOff;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every request's {@link RoutingDecision} to the decisions topic without ever making a
 * request wait or take a lock: events go into a bounded lock-free buffer that one thread drains
 * into a Kafka producer. When the buffer is full (Kafka slow or down) new events are dropped and
 * counted; the gateway keeps serving.
 */
public final class DecisionLog implements DecisionSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
    /** Longest idle wait; a decision wakes the sender at once. */
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Under load the sender takes decisions in batches this far apart instead of being woken for
     * each one (a wake-up per request was a visible share of the gateway's CPU); the producer's own
     * linger (20 ms) batches them further.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final BoundedHandOff<RoutingDecision> buffer;
    private final Producer<String, byte[]> producer;
    private final GatewayMetrics metrics;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread sender;
    private volatile boolean running = true;
    private volatile boolean abandoned;

    public DecisionLog(String bootstrapServers, int bufferSize, GatewayMetrics metrics) {
        this(producer(bootstrapServers), bufferSize, metrics);
    }

    DecisionLog(Producer<String, byte[]> producer, int bufferSize, GatewayMetrics metrics) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("decision buffer size must be >= 1, was " + bufferSize);
        }
        this.buffer = new BoundedHandOff<>(bufferSize, LINGER_NANOS);
        this.producer = producer;
        this.metrics = metrics;
        this.sender = Thread.ofPlatform().name("decision-log").daemon().start(this::drain);
    }

    /** Queues a decision; drops it (and counts it) when the buffer is full. Never blocks, takes no lock. */
    @Override
    public void record(RoutingDecision decision) {
        if (!buffer.offer(decision)) {
            dropped.incrementAndGet();
            metrics.decisionDropped();
        }
    }

    public long dropped() {
        return dropped.get();
    }

    public long sent() {
        return sent.get();
    }

    /** Decisions the producer could not deliver (Kafka errors after its retries). */
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        running = false;
        buffer.wake();
        try {
            sender.join(5_000);
            if (sender.isAlive()) {
                // Kafka is not taking them: stop sending and count the rest as dropped, in one line.
                abandoned = true;
                sender.join(2_000);
                int left = 0;
                while (buffer.poll() != null) {
                    left++;
                    metrics.decisionDropped();
                }
                failed.addAndGet(left);
                LOG.warn("decisions dropped at close count={} reason=\"not sent within 5 s\"", left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    private void drain() {
        while ((running || !buffer.isEmpty()) && !abandoned) {
            RoutingDecision d = buffer.take(IDLE_WAIT_NANOS);
            if (d == null) {
                continue;
            }
            try {
                byte[] value = Topics.DECISIONS.valueSerde().serializer().serialize(Topics.DECISIONS.name(), d);
                producer.send(new ProducerRecord<>(Topics.DECISIONS.name(), d.requestId(), value), (meta, error) -> {
                    if (error == null) {
                        sent.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        metrics.decisionDropped();
                        LOG.warn("decision not delivered requestId={} error={}", d.requestId(), error.toString());
                    }
                });
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                metrics.decisionDropped();
                LOG.warn("decision not sent requestId={} error={}", d.requestId(), e.toString());
            }
        }
    }

    private static Producer<String, byte[]> producer(String bootstrapServers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // When Kafka is down, send() must not hold the drain thread for a minute per record.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
}
