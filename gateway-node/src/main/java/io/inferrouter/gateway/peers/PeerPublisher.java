package io.inferrouter.gateway.peers;

import io.inferrouter.gateway.concurrent.BoundedHandOff;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tables.Tables;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.peers.PeerReport;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares what this replica learns with the others: one platform thread writes a {@link PeerReport}
 * to {@code gateway.peers} with the prompts served since the last one (handed over by the prefix
 * index, on the request thread, through a lock-free queue) and this gateway's own in-flight count
 * per endpoint. It writes when a prompt was served (at once after an idle spell, then at most one
 * report per {@code publishInterval}), when the in-flight counts changed (checked every interval),
 * and at least every {@code heartbeat} so the others know it is alive. Closing writes a last report
 * with nothing in flight. Kafka being down costs reports (counted), never a request.
 */
public final class PeerPublisher implements PrefixIndex.Observer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerPublisher.class);
    /** Prompts per report, so a report stays well under Kafka's 1 MiB message limit (256 blocks: 2.7 KB each). */
    static final int MAX_SERVED_PER_REPORT = 128;
    /** How long a send may wait for Kafka's metadata or buffer space before the report is lost. */
    private static final Duration MAX_BLOCK = Duration.ofSeconds(1);

    private record Pending(ResourceKey pool, long[] blocks, EndpointId endpoint, long servedAtMs) {
    }

    private final String nodeId;
    private final String incarnation;
    private final Duration publishInterval;
    private final Duration heartbeat;
    private final GatewayMetrics metrics;
    private final BoundedHandOff<Pending> served;
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong droppedPrompts = new AtomicLong();
    private final AtomicLong reportsSent = new AtomicLong();
    private final Thread thread;
    private volatile Tables tables;
    private volatile boolean running = true;
    private long seq;
    private Map<EndpointId, Integer> lastInFlight = Map.of();
    private long lastSentNanos;

    /**
     * @param incarnation     this process's random id (see {@link PeerReport#incarnation()})
     * @param publishInterval the shortest time between two reports
     * @param heartbeat       the longest time between two reports
     * @param queueSize       served prompts waiting for the next report before new ones are dropped
     */
    public PeerPublisher(String bootstrapServers, String nodeId, String incarnation, Duration publishInterval,
                         Duration heartbeat, int queueSize, GatewayMetrics metrics) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.incarnation = Objects.requireNonNull(incarnation, "incarnation");
        this.publishInterval = publishInterval;
        this.heartbeat = heartbeat;
        this.metrics = metrics;
        this.served = new BoundedHandOff<>(queueSize, publishInterval.toNanos());
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "gateway-peers-" + nodeId);
        // A lost report is healed by the next (in-flight counts are whole, prompts are hints): no retries
        // beyond the client's defaults, no idempotence, and no waiting for fuller batches.
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.thread = Thread.ofPlatform().daemon().name("peer-publisher").unstarted(this::run);
    }

    /** Starts publishing this gateway's in-flight counts as the tables list its endpoints; once only. */
    public PeerPublisher start(Tables tables) {
        this.tables = Objects.requireNonNull(tables, "tables");
        thread.start();
        return this;
    }

    public String incarnation() {
        return incarnation;
    }

    /** On the request's thread: never blocks; dropped and counted when the queue is full. */
    @Override
    public void recorded(ResourceKey pool, long[] blocks, EndpointId endpoint) {
        if (!served.offer(new Pending(pool, blocks, endpoint, System.currentTimeMillis()))) {
            droppedPrompts.incrementAndGet();
        }
    }

    /** Served prompts dropped because the publisher fell behind. */
    public long droppedPrompts() {
        return droppedPrompts.get();
    }

    /** Reports handed to Kafka's client. */
    public long reportsSent() {
        return reportsSent.get();
    }

    @Override
    public void close() {
        running = false;
        served.wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }

    private void run() {
        long intervalNanos = publishInterval.toNanos();
        while (running) {
            Pending first = served.take(intervalNanos);
            try {
                publish(first, currentInFlight(), false);
            } catch (RuntimeException e) {
                LOG.warn("peer report failed error={}", e.toString());
            }
        }
        if (tables != null) {
            // Whatever was in flight ended with this gateway: say so, rather than leaving it until the timeout.
            publish(served.poll(), Map.of(), true);
        }
    }

    private void publish(Pending first, Map<EndpointId, Integer> inFlight, boolean last) {
        List<PeerReport.Served> prompts = new ArrayList<>();
        for (Pending p = first; p != null; p = prompts.size() < MAX_SERVED_PER_REPORT ? served.poll() : null) {
            prompts.add(PeerReport.Served.of(p.pool(), p.endpoint(), p.blocks(), p.servedAtMs()));
        }
        long now = System.nanoTime();
        boolean due = last || !prompts.isEmpty() || !inFlight.equals(lastInFlight)
                || now - lastSentNanos >= heartbeat.toNanos();
        if (!due) {
            return;
        }
        List<PeerReport.InFlight> counts = new ArrayList<>(inFlight.size());
        inFlight.forEach((e, n) -> counts.add(new PeerReport.InFlight(e, n)));
        PeerReport report = new PeerReport(nodeId, incarnation, seq++, counts, prompts, System.currentTimeMillis(),
                "gateway:" + nodeId);
        lastInFlight = inFlight;
        lastSentNanos = now;
        byte[] value = Topics.GATEWAY_PEERS.valueSerde().serializer().serialize(Topics.GATEWAY_PEERS.name(), report);
        try {
            producer.send(new ProducerRecord<>(Topics.GATEWAY_PEERS.name(), nodeId, value), (md, error) -> {
                if (error != null) {
                    metrics.peerReportLost();
                }
            });
            reportsSent.incrementAndGet();
        } catch (KafkaException e) {
            metrics.peerReportLost();
            LOG.debug("peer report not sent error={}", e.toString());
        }
    }

    /** This gateway's own requests in flight per endpoint, sorted, endpoints with none left out. */
    private Map<EndpointId, Integer> currentInFlight() {
        Map<EndpointId, Integer> out = new TreeMap<>();
        for (PoolSnapshot pool : tables.current().pools().values()) {
            for (Endpoint e : pool.endpoints()) {
                int n = e.load().ownInFlight();
                if (n > 0) {
                    out.put(e.id(), n);
                }
            }
        }
        return out;
    }
}
