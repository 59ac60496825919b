package io.inferrouter.stream.topology;

import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The topology under TopologyTestDriver, with typed inputs and the output tables as they stand. */
final class TopologyFixture implements AutoCloseable {

    final CountingMetrics metrics = new CountingMetrics();
    final TopologyTestDriver driver;
    final TestInputTopic<String, InferencePool> pools;
    final TestInputTopic<String, Pod> pods;
    final TestInputTopic<String, InferenceModel> models;
    final TestInputTopic<String, InferenceObjective> objectives;
    final TestInputTopic<String, InferenceModelRewrite> rewrites;
    final TestInputTopic<String, HttpRoute> routes;
    final TestInputTopic<String, EndpointMetrics> endpointMetrics;

    private final Table<EndpointRow> endpointRows;
    private final Table<PoolRow> poolRows;
    private final Table<ModelRow> modelRows;
    private final Table<ObjectiveRow> objectiveRows;
    private final Table<RewriteRow> rewriteRows;
    private final Table<RouteRow> routeRows;
    private final TestOutputTopic<String, byte[]> deadLetters;

    TopologyFixture() {
        this("routing-stream-test");
    }

    TopologyFixture(String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, PoisonRecordHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingErrorHandler.class);
        props.put(PoisonRecordHandler.METRICS_CONFIG, metrics);
        TopologySettings settings = new TopologySettings(6, Duration.ofMinutes(10), true);
        driver = new TopologyTestDriver(RoutingTopology.build(settings, metrics), props, Instant.ofEpochMilli(0));
        pools = input(Topics.INFERENCE_POOLS);
        pods = input(Topics.PODS);
        models = input(Topics.INFERENCE_MODELS);
        objectives = input(Topics.INFERENCE_OBJECTIVES);
        rewrites = input(Topics.INFERENCE_MODEL_REWRITES);
        routes = input(Topics.HTTP_ROUTES);
        endpointMetrics = input(Topics.ENDPOINT_METRICS);
        endpointRows = new Table<>(Topics.TABLE_ENDPOINTS, rawOutput(Topics.TABLE_ENDPOINTS));
        poolRows = new Table<>(Topics.TABLE_POOLS, rawOutput(Topics.TABLE_POOLS));
        modelRows = new Table<>(Topics.TABLE_MODELS, rawOutput(Topics.TABLE_MODELS));
        objectiveRows = new Table<>(Topics.TABLE_OBJECTIVES, rawOutput(Topics.TABLE_OBJECTIVES));
        rewriteRows = new Table<>(Topics.TABLE_REWRITES, rawOutput(Topics.TABLE_REWRITES));
        routeRows = new Table<>(Topics.TABLE_ROUTES, rawOutput(Topics.TABLE_ROUTES));
        deadLetters = rawOutput(Topics.DEAD_LETTERS);
    }

    TestInputTopic<String, byte[]> raw(Topic<?, ?> topic) {
        return driver.createInputTopic(topic.name(), new StringSerializer(), new ByteArraySerializer());
    }

    Map<String, EndpointRow> endpoints() {
        return endpointRows.now();
    }

    /** Endpoint-row records (upserts and tombstones) written since the last call. */
    List<TestRecord<String, EndpointRow>> newEndpointRecords() {
        return endpointRows.drainNew();
    }

    Map<String, PoolRow> pools() {
        return poolRows.now();
    }

    Map<String, ModelRow> models() {
        return modelRows.now();
    }

    Map<String, ObjectiveRow> objectives() {
        return objectiveRows.now();
    }

    Map<String, RewriteRow> rewrites() {
        return rewriteRows.now();
    }

    Map<String, RouteRow> routes() {
        return routeRows.now();
    }

    /** Records written to {@code dead-letters} since the last call, as raw bytes with their headers. */
    List<TestRecord<String, byte[]>> newDeadLetters() {
        return deadLetters.readRecordsToList();
    }

    /**
     * Every table topic's final contents (the value a compacted topic keeps per key) as the bytes
     * that were written, not re-serialised from the rows: what a replay must reproduce.
     */
    Map<String, Map<String, Bytes>> allTablesAsWritten() {
        Map<String, Map<String, Bytes>> all = new TreeMap<>();
        all.put("endpoints", endpointRows.bytesNow());
        all.put("pools", poolRows.bytesNow());
        all.put("models", modelRows.bytesNow());
        all.put("objectives", objectiveRows.bytesNow());
        all.put("rewrites", rewriteRows.bytesNow());
        all.put("routes", routeRows.bytesNow());
        return all;
    }

    @Override
    public void close() {
        driver.close();
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), new StringSerializer(), topic.valueSerde().serializer());
    }

    private TestOutputTopic<String, byte[]> rawOutput(Topic<String, ?> topic) {
        return driver.createOutputTopic(topic.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * An output topic read as a compacted table: the latest value per key, tombstones removing keys.
     * It is read once, as bytes, and kept both as written and as rows.
     */
    private static final class Table<V> {
        private final Topic<String, V> topic;
        private final TestOutputTopic<String, byte[]> records;
        private final Map<String, V> state = new TreeMap<>();
        private final Map<String, Bytes> written = new TreeMap<>();
        private final List<TestRecord<String, V>> unseen = new ArrayList<>();

        Table(Topic<String, V> topic, TestOutputTopic<String, byte[]> records) {
            this.topic = topic;
            this.records = records;
        }

        Map<String, V> now() {
            drain();
            return new TreeMap<>(state);
        }

        Map<String, Bytes> bytesNow() {
            drain();
            return new TreeMap<>(written);
        }

        List<TestRecord<String, V>> drainNew() {
            drain();
            List<TestRecord<String, V>> copy = new ArrayList<>(unseen);
            unseen.clear();
            return copy;
        }

        private void drain() {
            for (TestRecord<String, byte[]> raw : records.readRecordsToList()) {
                V value = topic.valueSerde().deserializer().deserialize(topic.name(), raw.value());
                unseen.add(new TestRecord<>(raw.key(), value, raw.headers(), raw.getRecordTime()));
                if (raw.value() == null) {
                    state.remove(raw.key());
                    written.remove(raw.key());
                } else {
                    state.put(raw.key(), value);
                    written.put(raw.key(), Bytes.wrap(raw.value()));
                }
            }
        }
    }

    /** Counts what the topology reports. */
    static final class CountingMetrics implements StreamMetrics {
        final Map<String, AtomicInteger> poison = new ConcurrentHashMap<>();
        final AtomicInteger processingErrors = new AtomicInteger();
        final AtomicInteger outOfOrder = new AtomicInteger();
        final AtomicInteger withoutMembership = new AtomicInteger();
        final AtomicInteger forgotten = new AtomicInteger();
        final AtomicInteger malformedKeys = new AtomicInteger();

        @Override
        public void malformedKey(String topic) {
            malformedKeys.incrementAndGet();
        }

        @Override
        public void poisonRecord(String topic) {
            poison.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void processingError(String processor) {
            processingErrors.incrementAndGet();
        }

        @Override
        public void outOfOrderMetrics() {
            outOfOrder.incrementAndGet();
        }

        @Override
        public void metricsWithoutMembership() {
            withoutMembership.incrementAndGet();
        }

        @Override
        public void orphanedMetricsForgotten(int count) {
            forgotten.addAndGet(count);
        }
    }

    static <K, V> KeyValue<K, V> kv(K k, V v) {
        return KeyValue.pair(k, v);
    }
}
