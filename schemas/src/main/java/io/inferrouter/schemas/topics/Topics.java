package io.inferrouter.schemas.topics;

import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.peers.PeerReport;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.serde.JsonSerde;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic catalogue: every topic the modules exchange, declared once. Topics are the API between
 * modules; README.md's topic catalogue is generated from the same facts and a test keeps them equal.
 */
public final class Topics {

    private static final Serde<String> KEY = Serdes.String();
    private static final String NS_NAME = "namespace/name";

    public static final Topic<String, InferencePool> INFERENCE_POOLS = resource("k8s.inference-pools",
            InferencePool.class, "InferencePool objects of both API versions (v1 preferred on a name clash)");
    public static final Topic<String, InferenceModel> INFERENCE_MODELS = resource("k8s.inference-models",
            InferenceModel.class, "InferenceModel objects");
    public static final Topic<String, InferenceObjective> INFERENCE_OBJECTIVES = resource("k8s.inference-objectives",
            InferenceObjective.class, "InferenceObjective objects");
    public static final Topic<String, InferenceModelRewrite> INFERENCE_MODEL_REWRITES = resource(
            "k8s.inference-model-rewrites", InferenceModelRewrite.class, "InferenceModelRewrite objects");
    public static final Topic<String, HttpRoute> HTTP_ROUTES = resource("k8s.http-routes", HttpRoute.class,
            "HTTPRoute objects");
    public static final Topic<String, Pod> PODS = resource("k8s.pods", Pod.class,
            "Pods that a pool may select: IP, labels, readiness, ports");

    public static final Topic<String, EndpointMetrics> ENDPOINT_METRICS = new Topic<>("metrics.endpoints", KEY,
            new JsonSerde<>(EndpointMetrics.class), "namespace/pod:port", 6, CleanupPolicy.COMPACT_DELETE,
            Duration.ofHours(1), "One scrape of an endpoint's /metrics (failures too), by state-ingestor");
    /**
     * Room for one endpoint's snapshot: about 19 bytes of JSON per block, so 8 MiB holds the 400,000 blocks
     * state-ingestor keeps at most per endpoint (its producer's {@code max.request.size} is the same).
     */
    public static final int KV_EVENTS_MAX_MESSAGE_BYTES = 8 << 20;

    public static final Topic<String, KvEventsRecord> KV_EVENTS = new Topic<>("kv.events", KEY,
            new JsonSerde<>(KvEventsRecord.class), "namespace/pod:port", 6, CleanupPolicy.DELETE,
            Duration.ofMinutes(30), "Each endpoint's KV-cache events (batches as the pod published them), a"
                    + " snapshot of its blocks every few minutes and resets, in order per endpoint, by state-ingestor",
            KV_EVENTS_MAX_MESSAGE_BYTES);

    /**
     * How long every version of a control-plane table row is kept before compaction may drop the older
     * ones, so that routing-stream can rebuild a pool's table as of any instant of the last day
     * ({@code GET /v1/pools/{namespace}/{name}?at=}). These rows change only when resources do, so a day
     * of versions is small.
     */
    public static final Duration TABLE_HISTORY = Duration.ofHours(24);
    /**
     * The same for {@code tables.endpoints}, shorter: an endpoint's row is rewritten at every scrape (every
     * 50 ms by default), so a day of versions would be about 1.7 million records per endpoint, which every
     * gateway replays when it starts and every as-of query scans.
     */
    public static final Duration ENDPOINT_TABLE_HISTORY = Duration.ofHours(1);

    public static final Topic<String, PoolRow> TABLE_POOLS = table("tables.pools", PoolRow.class, NS_NAME, 1,
            TABLE_HISTORY, "Pools with their status, by routing-stream");
    public static final Topic<String, EndpointRow> TABLE_ENDPOINTS = table("tables.endpoints", EndpointRow.class,
            "pool|namespace/pod:port", 6, ENDPOINT_TABLE_HISTORY,
            "Ready endpoints of each pool with their latest metrics, by routing-stream");
    public static final Topic<String, ModelRow> TABLE_MODELS = table("tables.models", ModelRow.class, NS_NAME, 1,
            TABLE_HISTORY, "InferenceModels with status (Accepted, ModelNameInUse, ...), by routing-stream");
    public static final Topic<String, ObjectiveRow> TABLE_OBJECTIVES = table("tables.objectives",
            ObjectiveRow.class, NS_NAME, 1, TABLE_HISTORY, "InferenceObjectives with status, by routing-stream");
    public static final Topic<String, RewriteRow> TABLE_REWRITES = table("tables.rewrites", RewriteRow.class,
            NS_NAME, 1, TABLE_HISTORY, "InferenceModelRewrites with status, by routing-stream");
    public static final Topic<String, RouteRow> TABLE_ROUTES = table("tables.routes", RouteRow.class, NS_NAME, 1,
            TABLE_HISTORY, "HTTPRoutes resolved to pool keys, with status, by routing-stream");

    public static final Topic<String, RoutingDecision> DECISIONS = new Topic<>("decisions", KEY,
            new JsonSerde<>(RoutingDecision.class), "request id", 6, CleanupPolicy.DELETE, Duration.ofDays(7),
            "Every routing decision with its outcome, by gateway-node");
    public static final Topic<String, byte[]> DEAD_LETTERS = new Topic<>("dead-letters", KEY, Serdes.ByteArray(),
            "source topic/partition/offset", 1, CleanupPolicy.DELETE, Duration.ofDays(7),
            "Records (and KV-event messages: key kv-events/namespace/pod:port/seq) that could not be read, as they"
                    + " were, with the reason in headers");
    public static final Topic<String, RoutingDecision> DECISIONS_REPLAY = new Topic<>("decisions.replay", KEY,
            new JsonSerde<>(RoutingDecision.class), "replay id/request id", 1, CleanupPolicy.DELETE, Duration.ofDays(7),
            "Windows of the decisions topic copied by admin-ui for replay, in arrival order; headers name the"
                    + " replay and the source partition, offset and timestamp");

    public static final Topic<String, PeerReport> GATEWAY_PEERS = new Topic<>("gateway.peers", KEY,
            new JsonSerde<>(PeerReport.class), "gateway node id", 6, CleanupPolicy.DELETE, Duration.ofMinutes(30),
            "What each gateway replica learnt (the prompts it served, per endpoint) and its in-flight requests per"
                    + " endpoint, every few milliseconds while busy and every second while idle, by gateway-node; every"
                    + " replica applies the others' and a starting one rebuilds its prefix index from the recent past");

    private static final List<Topic<?, ?>> ALL = List.of(INFERENCE_POOLS, INFERENCE_MODELS, INFERENCE_OBJECTIVES,
            INFERENCE_MODEL_REWRITES, HTTP_ROUTES, PODS, ENDPOINT_METRICS, KV_EVENTS, TABLE_POOLS, TABLE_ENDPOINTS,
            TABLE_MODELS, TABLE_OBJECTIVES, TABLE_REWRITES, TABLE_ROUTES, GATEWAY_PEERS, DECISIONS, DEAD_LETTERS, DECISIONS_REPLAY);

    // Named lists, not index ranges of ALL: a topic added to the catalogue must not shift another into them.
    private static final List<Topic<?, ?>> SOURCES = List.of(INFERENCE_POOLS, INFERENCE_MODELS, INFERENCE_OBJECTIVES,
            INFERENCE_MODEL_REWRITES, HTTP_ROUTES, PODS, ENDPOINT_METRICS);
    private static final List<Topic<?, ?>> TABLES = List.of(TABLE_POOLS, TABLE_ENDPOINTS, TABLE_MODELS,
            TABLE_OBJECTIVES, TABLE_REWRITES, TABLE_ROUTES);

    private Topics() {
    }

    /** Every topic of the catalogue, in data-flow order. */
    public static List<Topic<?, ?>> all() {
        return ALL;
    }

    /**
     * The inputs of routing-stream's topology, which state-ingestor writes: Kubernetes resources and
     * endpoint metrics. Not {@link #KV_EVENTS}, which state-ingestor also writes but only the gateway
     * reads (routing-stream checks each of these for its partitioning and reads every one).
     */
    public static List<Topic<?, ?>> sources() {
        return SOURCES;
    }

    /** The routing-table topics routing-stream writes and gateway-node replicates. */
    public static List<Topic<?, ?>> tables() {
        return TABLES;
    }

    public static Optional<Topic<?, ?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    private static <V> Topic<String, V> resource(String name, Class<V> type, String description) {
        return new Topic<>(name, KEY, new JsonSerde<>(type), NS_NAME, 1, CleanupPolicy.COMPACT, null,
                description + ", by state-ingestor; a delete is a tombstone");
    }

    private static <V> Topic<String, V> table(String name, Class<V> type, String keyFormat, int partitions,
                                              Duration history, String description) {
        return new Topic<>(name, KEY, new JsonSerde<>(type), keyFormat, partitions, CleanupPolicy.COMPACT, null,
                description + "; a removed row is a tombstone").withMinCompactionLag(history);
    }
}
