package io.inferrouter.gateway.kv;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.tables.LogReplica;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Feeds the {@link KvBlockIndex} from {@code kv.events} ({@link LogReplica}: every partition from the
 * beginning of the topic's retention, no consumer group: every replica holds the whole index), which
 * is bounded work: state-ingestor writes a snapshot of every endpoint every few minutes, so the log
 * since the oldest retained record holds each endpoint's latest snapshot and the events after it.
 * Ready once it has applied everything up to the end offsets it found at start; then it keeps
 * following the topic. Unreadable records are counted, logged and skipped.
 */
public final class KvEventsReplica extends LogReplica {

    private final KvBlockIndex index;
    private final GatewayMetrics metrics;
    private volatile long lastAppliedMs;

    public KvEventsReplica(String bootstrapServers, KvBlockIndex index, GatewayMetrics metrics) {
        super("kv-events-replica", bootstrapServers, List.of(Topics.KV_EVENTS), Duration.ofMillis(100));
        this.index = index;
        this.metrics = metrics;
    }

    public KvEventsReplica start() {
        startReading();
        return this;
    }

    public KvBlockIndex index() {
        return index;
    }

    /** Time the last record was applied (0 before the first). */
    public long lastAppliedMs() {
        return lastAppliedMs;
    }

    @Override
    protected String caughtUpSummary() {
        return "endpoints=" + index.endpointCount() + " blocks=" + index.blockCount() + " records="
                + index.recordsApplied();
    }

    @Override
    protected void apply(ConsumerRecord<String, byte[]> r) {
        KvEventsRecord record = read(r, Topics.KV_EVENTS, metrics::kvEventsRecordSkipped);
        if (record == null) {
            return;
        }
        try {
            index.apply(record);
        } catch (RuntimeException e) {
            // A record the schema accepts but the index cannot fold (a bug, not bad input): never stop the thread.
            skip(r, e.toString(), metrics::kvEventsRecordSkipped);
            return;
        }
        long now = System.currentTimeMillis();
        lastAppliedMs = now;
        // Live batches only: those read while catching up at start are as old as the log.
        if (record.kind() == KvEventsRecord.Kind.BATCH && record.ts() > 0 && ready()) {
            metrics.kvEventIndexLag(now - Math.round(record.ts() * 1000));
        }
    }
}
