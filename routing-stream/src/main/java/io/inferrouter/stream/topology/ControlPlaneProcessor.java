package io.inferrouter.stream.topology;

import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.stream.tables.ControlPlane;
import io.inferrouter.stream.tables.ControlPlaneStores;
import io.inferrouter.stream.tables.KeyedStore;
import io.inferrouter.stream.tables.TableChange;
import java.util.List;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one resource topic into the control-plane rules and forwards the table changes they produce.
 * The record key is parsed here, once; a record whose key is not {@code namespace/name} is counted and
 * skipped.
 */
final class ControlPlaneProcessor<V> extends ContextualProcessor<String, V, String, TableChange> {

    /** Which rule of {@link ControlPlane} a resource kind goes to. */
    @FunctionalInterface
    interface Rule<V> {
        List<TableChange> apply(ControlPlane controlPlane, ResourceKey key, V value);
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
                keyed(context, StoreNames.POOLS), keyed(context, StoreNames.PODS),
                keyed(context, StoreNames.MODELS), keyed(context, StoreNames.OBJECTIVES),
                keyed(context, StoreNames.REWRITES), keyed(context, StoreNames.ROUTES),
                keyed(context, StoreNames.POD_ENDPOINTS), keyed(context, StoreNames.POOL_ROWS),
                keyed(context, StoreNames.MODEL_ROWS), keyed(context, StoreNames.OBJECTIVE_ROWS),
                keyed(context, StoreNames.REWRITE_ROWS), keyed(context, StoreNames.ROUTE_ROWS),
                context.getStateStore(StoreNames.RESOURCE_INDEX)));
    }

    @Override
    public void process(Record<String, V> record) {
        if (!ResourceKey.isValid(record.key())) {
            metrics.malformedKey(topic);
            LOG.warn("skipping record with a key that is not namespace/name topic={} key={}", topic, record.key());
            return;
        }
        for (TableChange change : rule.apply(controlPlane, ResourceKey.parse(record.key()), record.value())) {
            context().forward(record.withKey(change.recordKey()).withValue(change));
        }
    }

    private static <T> KeyedStore<ResourceKey, T> keyed(ProcessorContext<?, ?> context, String store) {
        return KeyedStore.byResource(context.getStateStore(store));
    }
}
