package io.inferrouter.stream.topology;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.stream.tables.EndpointTable;
import io.inferrouter.stream.tables.KeyedStore;
import java.time.Duration;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds memberships or metrics into the endpoint table and forwards the endpoint rows it produces.
 * The record key is parsed here, once; a record whose key is not {@code namespace/pod:port} is counted
 * and skipped.
 */
final class EndpointRowsProcessor<V> extends ContextualProcessor<String, V, String, EndpointRow> {

    @FunctionalInterface
    interface Rule<V> {
        EndpointTable.Result apply(EndpointTable table, EndpointId endpoint, V value);
    }

    private static final Logger LOG = LoggerFactory.getLogger(EndpointRowsProcessor.class);

    private final String topic;
    private final Rule<V> rule;
    private final StreamMetrics metrics;
    private final Duration orphanHorizon;
    private EndpointTable table;

    /**
     * @param orphanHorizon how long (in stream time) metrics of an endpoint in no pool are kept; null
     *                      means this processor does not run the clean-up (another one does)
     */
    EndpointRowsProcessor(String topic, Rule<V> rule, StreamMetrics metrics, Duration orphanHorizon) {
        this.topic = topic;
        this.rule = rule;
        this.metrics = metrics;
        this.orphanHorizon = orphanHorizon;
    }

    @Override
    public void init(ProcessorContext<String, EndpointRow> context) {
        super.init(context);
        table = new EndpointTable(KeyedStore.byEndpoint(context.getStateStore(StoreNames.ENDPOINT_MEMBERSHIPS)),
                KeyedStore.byEndpoint(context.getStateStore(StoreNames.ENDPOINT_METRICS)));
        if (orphanHorizon != null) {
            // Stream time, not wall-clock time: a replay forgets the same metrics at the same point.
            context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, streamTime -> {
                int forgotten = table.forgetOrphanedMetrics(streamTime - orphanHorizon.toMillis());
                if (forgotten > 0) {
                    metrics.orphanedMetricsForgotten(forgotten);
                }
            });
        }
    }

    @Override
    public void process(Record<String, V> record) {
        EndpointId endpoint = endpointOf(record.key());
        if (endpoint == null) {
            metrics.malformedKey(topic);
            LOG.warn("skipping record with a key that is not namespace/pod:port topic={} key={}", topic, record.key());
            return;
        }
        EndpointTable.Result result = rule.apply(table, endpoint, record.value());
        if (result.outcome() == EndpointTable.MetricsOutcome.OUT_OF_ORDER) {
            metrics.outOfOrderMetrics();
        } else if (result.outcome() == EndpointTable.MetricsOutcome.NO_MEMBERSHIP) {
            metrics.metricsWithoutMembership();
        }
        for (KeyValue<String, EndpointRow> row : result.rows()) {
            context().forward(record.withKey(row.key).withValue(row.value));
        }
    }

    /** The key as an endpoint id, or null when it is none. */
    private static EndpointId endpointOf(String key) {
        if (key == null) {
            return null;
        }
        try {
            return EndpointId.parse(key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
