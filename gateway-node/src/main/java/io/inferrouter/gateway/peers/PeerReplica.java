package io.inferrouter.gateway.peers;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.tables.LogReplica;
import io.inferrouter.gateway.tables.Tables;
import io.inferrouter.schemas.peers.PeerReport;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies the other replicas' {@link PeerReport}s from {@code gateway.peers} ({@link LogReplica}: every
 * partition, no consumer group): their served prompts go into this gateway's prefix index, their
 * in-flight counts into {@link PeerLoads}. It starts {@code recoveryWindow} back in the topic, and at
 * most {@code maxRecordsPerPartition} records back, so a (re)started replica rebuilds its prefix index
 * from what every replica, its own earlier life included, served recently; it is ready once it has
 * read up to the end offsets found at start. Its own echo (same node id and incarnation) is skipped;
 * its earlier life's prompts are learnt, its in-flight counts are not (they died with it).
 */
public final class PeerReplica extends LogReplica {

    /** While catching up, prompts queued for the index before this replica waits for it to apply them. */
    private static final int CATCH_UP_BACKLOG = 20_000;

    private final String nodeId;
    private final String incarnation;
    private final PrefixIndex index;
    private final Tables tables;
    private final PeerLoads loads;
    private final Duration recoveryWindow;
    private final int maxRecordsPerPartition;
    private final GatewayMetrics metrics;
    private volatile long reportsApplied;
    private boolean warnedSameId;

    public PeerReplica(String bootstrapServers, String nodeId, String incarnation, PrefixIndex index, Tables tables,
                       Duration peerTimeout, Duration recoveryWindow, int maxRecordsPerPartition,
                       GatewayMetrics metrics) {
        super("peer-replica", bootstrapServers, List.of(Topics.GATEWAY_PEERS), Duration.ofMillis(100));
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.index = index;
        this.tables = tables;
        this.loads = new PeerLoads(peerTimeout);
        this.recoveryWindow = recoveryWindow;
        this.maxRecordsPerPartition = maxRecordsPerPartition;
        this.metrics = metrics;
    }

    public PeerReplica start() {
        startReading();
        return this;
    }

    /** Other replicas heard from within the peer timeout. */
    public int livePeers() {
        return loads.livePeers();
    }

    /** Reports applied (prompts learnt or counts taken), own echo excluded. */
    public long reportsApplied() {
        return reportsApplied;
    }

    @Override
    protected void seekToStart(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        long since = System.currentTimeMillis() - recoveryWindow.toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp t = byTime.get(tp);
            long first = t == null ? end.get(tp) : t.offset();
            consumer.seek(tp, Math.max(first, end.get(tp) - maxRecordsPerPartition));
        }
    }

    @Override
    protected String caughtUpSummary() {
        return "reports=" + reportsApplied + " livePeers=" + loads.livePeers();
    }

    @Override
    protected void apply(ConsumerRecord<String, byte[]> r) {
        PeerReport report = read(r, Topics.GATEWAY_PEERS, metrics::peerReportSkipped);
        if (report == null) {
            return;
        }
        boolean self = report.replica().equals(nodeId);
        if (self && report.incarnation().equals(incarnation)) {
            return;
        }
        // Only prompts served since this replica caught up are timed: the rest are as old as the log.
        boolean live = ready();
        if (!live && index.backlog() > CATCH_UP_BACKLOG) {
            // Catching up reads far faster than the index applies: wait rather than overflow its queue.
            index.awaitApplied(60_000);
        }
        if (self && live && !warnedSameId) {
            warnedSameId = true;
            log.warn("another live gateway replica uses this node id; give each its own (node-id, GATEWAY_NODE_ID) "
                    + "or their in-flight requests are not shared nodeId={} otherIncarnation={}", nodeId,
                    report.incarnation());
        }
        for (PeerReport.Served s : report.served()) {
            index.learn(s.pool(), s.blockHashes(), s.endpoint(), live ? Math.max(1, s.servedAtMs()) : 0);
        }
        if (!self) {
            loads.report(report, System.currentTimeMillis());
        }
        reportsApplied = reportsApplied + 1;
    }

    @Override
    protected void applied() {
        if (!ready()) {
            // Ready must mean the index holds what was read, not that it is queued.
            index.awaitApplied(60_000);
        }
        loads.tick(System.currentTimeMillis(), tables.current());
    }
}
