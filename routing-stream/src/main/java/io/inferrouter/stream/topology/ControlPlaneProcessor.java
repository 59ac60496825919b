package io.inferrouter.stream.topology;

import io.inferrouter.stream.tables.ControlPlane;
import io.inferrouter.stream.tables.ControlPlaneStores;
import io.inferrouter.stream.tables.Keys;
import io.inferrouter.stream.tables.TableChange;
import java.util.List;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Feeds one resource topic into the control-plane rules and forwards the table changes they produce. */
final class ControlPlaneProcessor<V> extends ContextualProcessor<String, V, String, TableChange> {

    /** Which rule of {@link ControlPlane} a resource kind goes to. */
    @FunctionalInterface
    interface Rule<V> {
        List<TableChange> apply(ControlPlane controlPlane, String key, V value);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneProcessor.class);

    private final String topic;
    private final Rule<V> rule;
    private final StreamMetrics metrics;
    private ControlPlane controlPlane;

    ControlPlaneProcessor(String topic, Rule<V> rule, StreamMetrics metrics) {
        this.topic = topic;
        this.rule = rule;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, TableChange> context) {
        super.init(context);
        controlPlane = new ControlPlane(new ControlPlaneStores(
                context.getStateStore(StoreNames.POOLS), context.getStateStore(StoreNames.PODS),
                context.getStateStore(StoreNames.MODELS), context.getStateStore(StoreNames.OBJECTIVES),
                context.getStateStore(StoreNames.REWRITES), context.getStateStore(StoreNames.ROUTES),
                context.getStateStore(StoreNames.POD_ENDPOINTS), context.getStateStore(StoreNames.POOL_ROWS),
                context.getStateStore(StoreNames.MODEL_ROWS), context.getStateStore(StoreNames.OBJECTIVE_ROWS),
                context.getStateStore(StoreNames.REWRITE_ROWS), context.getStateStore(StoreNames.ROUTE_ROWS),
                context.getStateStore(StoreNames.RESOURCE_INDEX)));
    }

    @Override
    public void process(Record<String, V> record) {
        if (!Keys.isResourceKey(record.key())) {
            metrics.malformedKey(topic);
            LOG.warn("skipping record with a key that is not namespace/name topic={} key={}", topic, record.key());
            return;
        }
        for (TableChange change : rule.apply(controlPlane, record.key(), record.value())) {
            context().forward(record.withKey(change.key()).withValue(change));
        }
    }
}
