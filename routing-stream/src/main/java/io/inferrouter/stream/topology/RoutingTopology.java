package io.inferrouter.stream.topology;

import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.serde.JsonSerde;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.stream.tables.ControlPlane;
import io.inferrouter.stream.tables.EndpointMembership;
import io.inferrouter.stream.tables.EndpointTable;
import io.inferrouter.stream.tables.PodEndpoints;
import io.inferrouter.stream.tables.TableChange.MembershipChange;
import io.inferrouter.stream.tables.TableChange.ModelRowChange;
import io.inferrouter.stream.tables.TableChange.ObjectiveRowChange;
import io.inferrouter.stream.tables.TableChange.PoolRowChange;
import io.inferrouter.stream.tables.TableChange.RewriteRowChange;
import io.inferrouter.stream.tables.TableChange.RouteRowChange;
import io.inferrouter.stream.tables.TableChange;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The routing-table topology, top to bottom as data flows:
 *
 * <pre>
 *  k8s.* (6 resource topics, 1 partition each)
 *     └─ control-plane rules (one task, shared stores) ─┬─ tables.pools / models / objectives / rewrites / routes
 *                                                        └─ endpoint memberships ─ repartition by endpoint id
 *  metrics.endpoints (N partitions, by endpoint id) ──────────────┐                         │
 *                                                                  └─ endpoint rows ◄────────┘ ─ tables.endpoints
 * </pre>
 *
 * Every source is read by a {@link ValueReader} first: a record that cannot be read goes to
 * {@code dead-letters} (raw bytes, reason in headers) and the rest flow on.
 *
 * Pure: {@link #build} returns a {@link Topology}; {@code RoutingStreamApp} owns the Streams client.
 */
public final class RoutingTopology {

    private static final Serde<String> KEY = Serdes.String();
    // Where table changes go (see tableOf): a table topic, by its short name, or the membership repartition.
    private static final String POOLS = shortName(Topics.TABLE_POOLS);
    private static final String MODELS = shortName(Topics.TABLE_MODELS);
    private static final String OBJECTIVES = shortName(Topics.TABLE_OBJECTIVES);
    private static final String REWRITES = shortName(Topics.TABLE_REWRITES);
    private static final String ROUTES = shortName(Topics.TABLE_ROUTES);
    private static final String MEMBERSHIP = "membership";

    private RoutingTopology() {
    }

    public static Topology build(TopologySettings settings, StreamMetrics metrics) {
        StreamsBuilder b = new StreamsBuilder();
        addStores(b, settings);

        KStream<String, TableChange> fromPools = resources(b, Topics.INFERENCE_POOLS, ControlPlane::onPool, metrics);
        KStream<String, TableChange> fromPods = resources(b, Topics.PODS, ControlPlane::onPod, metrics);
        KStream<String, TableChange> fromModels = resources(b, Topics.INFERENCE_MODELS, ControlPlane::onModel, metrics);
        KStream<String, TableChange> fromObjectives = resources(b, Topics.INFERENCE_OBJECTIVES,
                ControlPlane::onObjective, metrics);
        KStream<String, TableChange> fromRewrites = resources(b, Topics.INFERENCE_MODEL_REWRITES,
                ControlPlane::onRewrite, metrics);
        KStream<String, TableChange> fromRoutes = resources(b, Topics.HTTP_ROUTES, ControlPlane::onRoute, metrics);

        KStream<String, TableChange> changes = fromPools
                .merge(fromPods, Named.as("merge-pod-changes"))
                .merge(fromModels, Named.as("merge-model-changes"))
                .merge(fromObjectives, Named.as("merge-objective-changes"))
                .merge(fromRewrites, Named.as("merge-rewrite-changes"))
                .merge(fromRoutes, Named.as("merge-route-changes"));

        JsonSerde<EndpointMembership> membershipSerde = new JsonSerde<>(EndpointMembership.class);
        KStream<String, EndpointRow> fromMemberships = changes
                .filter((k, c) -> tableOf(c).equals(MEMBERSHIP), Named.as("memberships-only"))
                .mapValues(c -> MembershipChange.class.cast(c).row(), Named.as("as-membership"))
                .repartition(Repartitioned.<String, EndpointMembership>as("endpoint-membership")
                        .withKeySerde(KEY).withValueSerde(membershipSerde)
                        .withNumberOfPartitions(settings.endpointPartitions()))
                .process(() -> new EndpointRowsProcessor<EndpointMembership>("endpoint-membership",
                                EndpointTable::onMembership, metrics, null),
                        Named.as("membership-to-endpoint-rows"), StoreNames.ENDPOINTS);

        BranchedKStream<String, TableChange> tables = changes.split(Named.as("table-"));
        table(tables, Topics.TABLE_POOLS, PoolRowChange.class, PoolRowChange::row, metrics);
        table(tables, Topics.TABLE_MODELS, ModelRowChange.class, ModelRowChange::row, metrics);
        table(tables, Topics.TABLE_OBJECTIVES, ObjectiveRowChange.class, ObjectiveRowChange::row, metrics);
        table(tables, Topics.TABLE_REWRITES, RewriteRowChange.class, RewriteRowChange::row, metrics);
        table(tables, Topics.TABLE_ROUTES, RouteRowChange.class, RouteRowChange::row, metrics);
        tables.noDefaultBranch();

        KStream<String, EndpointRow> fromMetrics = readable(b, Topics.ENDPOINT_METRICS, "metrics", metrics)
                .process(() -> new EndpointRowsProcessor<EndpointMetrics>(Topics.ENDPOINT_METRICS.name(),
                                EndpointTable::onMetrics, metrics, settings.orphanHorizon()),
                        Named.as("metrics-to-endpoint-rows"), StoreNames.ENDPOINTS);

        fromMemberships.merge(fromMetrics, Named.as("merge-endpoint-rows"))
                .peek((k, v) -> metrics.rowEmitted(Topics.TABLE_ENDPOINTS.name()), Named.as("count-endpoint-rows"))
                .to(Topics.TABLE_ENDPOINTS.name(), Produced.with(KEY, Topics.TABLE_ENDPOINTS.valueSerde())
                        .withName("endpoint-rows-sink"));
        return b.build();
    }

    private static <V> KStream<String, TableChange> resources(StreamsBuilder b, Topic<String, V> topic,
                                                              ControlPlaneProcessor.Rule<V> rule,
                                                              StreamMetrics metrics) {
        String name = shortName(topic);
        return readable(b, topic, name, metrics)
                .process(() -> new ControlPlaneProcessor<>(topic.name(), rule, metrics),
                        Named.as(name + "-rules"), StoreNames.CONTROL_PLANE);
    }

    /**
     * A source topic's readable records; the unreadable ones go to {@code dead-letters}. Each source
     * has its own dead-letter sink: one shared sink would merge the control-plane and endpoint
     * sub-topologies, whose topics are partitioned differently.
     */
    private static <V> KStream<String, V> readable(StreamsBuilder b, Topic<String, V> topic, String name,
                                                   StreamMetrics metrics) {
        Map<String, KStream<String, ValueReader.Read<V>>> read = b
                .stream(topic.name(), Consumed.with(KEY, Serdes.ByteArray()).withName(name + "-source"))
                .process(() -> new ValueReader<>(topic.name(), topic.valueSerde().deserializer(), metrics),
                        Named.as(name + "-read"))
                .split(Named.as(name + "-"))
                .branch((k, r) -> r.deadLetter(), Branched.withConsumer(s -> s
                        .mapValues(ValueReader.Read::unreadable, Named.as(name + "-dead-letter-bytes"))
                        .to(Topics.DEAD_LETTERS.name(), Produced.with(KEY, Topics.DEAD_LETTERS.valueSerde())
                                .withName(name + "-dead-letters-sink")), "dead-letters"))
                .defaultBranch(Branched.as("readable"));
        return read.get(name + "-readable").mapValues(ValueReader.Read::value, Named.as(name + "-value"));
    }

    /**
     * Where each kind of change goes: the short name of its table topic, which names its branch of the
     * split, or the membership repartition. Exhaustive, so a new kind of change does not compile until
     * it is routed.
     */
    static String tableOf(TableChange change) {
        return switch (change) {
            case PoolRowChange c -> POOLS;
            case ModelRowChange c -> MODELS;
            case ObjectiveRowChange c -> OBJECTIVES;
            case RewriteRowChange c -> REWRITES;
            case RouteRowChange c -> ROUTES;
            case MembershipChange c -> MEMBERSHIP;
        };
    }

    /** The branch of the split that writes the changes of one kind, as rows of {@code topic}. */
    private static <C extends TableChange, R> void table(BranchedKStream<String, TableChange> split,
                                                         Topic<String, R> topic, Class<C> kind, Function<C, R> row,
                                                         StreamMetrics metrics) {
        String name = shortName(topic);
        split.branch((k, c) -> tableOf(c).equals(name), Branched.withConsumer(s -> s
                .mapValues(c -> row.apply(kind.cast(c)), Named.as("as-" + name + "-row"))
                .peek((k, v) -> metrics.rowEmitted(topic.name()), Named.as("count-" + name + "-rows"))
                .to(topic.name(), Produced.with(KEY, topic.valueSerde()).withName(name + "-rows-sink")), name));
    }

    /** A topic's name without its family: {@code tables.pools} is {@code pools}, {@code k8s.pods} is {@code pods}. */
    private static String shortName(Topic<?, ?> topic) {
        return topic.name().substring(topic.name().indexOf('.') + 1);
    }

    private static void addStores(StreamsBuilder b, TopologySettings settings) {
        store(b, settings, StoreNames.POOLS, Topics.INFERENCE_POOLS.valueSerde());
        store(b, settings, StoreNames.PODS, Topics.PODS.valueSerde());
        store(b, settings, StoreNames.MODELS, Topics.INFERENCE_MODELS.valueSerde());
        store(b, settings, StoreNames.OBJECTIVES, Topics.INFERENCE_OBJECTIVES.valueSerde());
        store(b, settings, StoreNames.REWRITES, Topics.INFERENCE_MODEL_REWRITES.valueSerde());
        store(b, settings, StoreNames.ROUTES, Topics.HTTP_ROUTES.valueSerde());
        store(b, settings, StoreNames.POD_ENDPOINTS, new JsonSerde<>(PodEndpoints.class));
        store(b, settings, StoreNames.POOL_ROWS, Topics.TABLE_POOLS.valueSerde());
        store(b, settings, StoreNames.MODEL_ROWS, Topics.TABLE_MODELS.valueSerde());
        store(b, settings, StoreNames.OBJECTIVE_ROWS, Topics.TABLE_OBJECTIVES.valueSerde());
        store(b, settings, StoreNames.REWRITE_ROWS, Topics.TABLE_REWRITES.valueSerde());
        store(b, settings, StoreNames.ROUTE_ROWS, Topics.TABLE_ROUTES.valueSerde());
        store(b, settings, StoreNames.RESOURCE_INDEX, Serdes.String());
        store(b, settings, StoreNames.ENDPOINT_MEMBERSHIPS, new JsonSerde<>(EndpointMembership.class));
        store(b, settings, StoreNames.ENDPOINT_METRICS, Topics.ENDPOINT_METRICS.valueSerde());
    }

    private static <V> void store(StreamsBuilder b, TopologySettings settings, String name, Serde<V> values) {
        KeyValueBytesStoreSupplier supplier = settings.inMemoryStores()
                ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
        // No record cache: a metrics change must reach the output within milliseconds, not at the next commit.
        b.addStateStore(Stores.keyValueStoreBuilder(supplier, KEY, values).withCachingDisabled());
    }
}
