package io.inferrouter.schemas;

import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.kv.ExternalBlockHash;
import io.inferrouter.schemas.kv.KvEvent;
import io.inferrouter.schemas.kv.KvEventBatch;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.peers.PeerReport;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.EndpointPickerRef;
import io.inferrouter.schemas.resources.FailureMode;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.PoolRef;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.resources.TargetModel;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.List;
import java.util.Map;

/** One fully populated value of every schema type, every optional field set. */
public final class Samples {

    public static final long T = 1_790_000_000_000L;
    static final String SRC = "test:samples";

    private Samples() {
    }

    static ResourceMeta meta(String name) {
        return new ResourceMeta("llm", name, "8f1c-" + name, "4711", 3, T - 60_000);
    }

    public static InferencePool pool() {
        return new InferencePool(meta("llama"), InferencePool.API_V1, Map.of("app", "vllm-llama"), List.of(8000, 8001),
                "http", new EndpointPickerRef(null, "Service", "llama-epp", 9002, FailureMode.FailOpen), List.of(), T, SRC);
    }

    public static InferenceModel model() {
        return new InferenceModel(meta("chat"), "chat", Criticality.Critical,
                List.of(new TargetModel("llama-v1", 90), new TargetModel("llama-v2", 10)), PoolRef.named("llama"),
                List.of(), T, SRC);
    }

    public static InferenceObjective objective() {
        return new InferenceObjective(meta("batch"), -1, PoolRef.named("llama"), List.of(), T, SRC);
    }

    public static InferenceModelRewrite rewrite() {
        return new InferenceModelRewrite(meta("alias"), PoolRef.named("llama"),
                List.of(new InferenceModelRewrite.Rule(List.of(new InferenceModelRewrite.ModelMatch("Exact", "gpt-4o")),
                        List.of(new InferenceModelRewrite.Target("chat", 70), new InferenceModelRewrite.Target("chat-small", 30)))),
                List.of(), T, SRC);
    }

    public static HttpRoute route() {
        return new HttpRoute(meta("llm-route"), List.of(new HttpRoute.ParentRef("gateway.networking.k8s.io", "Gateway", "llm", "gw", "http")),
                List.of("llm.example.com"),
                List.of(new HttpRoute.Rule(List.of(new HttpRoute.Match(new HttpRoute.PathMatch("PathPrefix", "/v1"),
                        List.of(new HttpRoute.HeaderMatch("Exact", "x-tier", "gold")), "POST")),
                        List.of(new HttpRoute.BackendRef("inference.networking.k8s.io", "InferencePool", "llm", "llama", null, 80),
                                new HttpRoute.BackendRef("inference.networking.k8s.io", "InferencePool", "llm", "llama-canary", null, 20)))),
                List.of(), T, SRC);
    }

    public static Pod pod() {
        return new Pod(meta("llama-0"), "10.0.0.7", Map.of("app", "vllm-llama"), true, false, List.of(8000, 8001),
                "node-a", List.of(), T, SRC);
    }

    public static EndpointMetrics metrics() {
        return EndpointMetrics.scraped(EndpointId.parse("llm/llama-0:8000"), "10.0.0.7", 8000, "vllm",
                new EngineLoad(3, 12, 0.42, List.of("sql-lora"), List.of("tweet-lora"), 4),
                new CacheGeometry(16, 28000, 123_456L, 100_000L), 850, T, "scraper:state-ingestor-0");
    }

    /** A batch of every event kind, as a pod with a LoRA adapter published it (a batch has no blocks or reason). */
    public static KvEventsRecord kvEvents() {
        KvEventBatch batch = new KvEventBatch(1_790_000_000.125, List.of(
                KvEvent.BlockStored.onGpu(List.of(new ExternalBlockHash.Int64(0x1234_5678_9abc_def0L),
                                new ExternalBlockHash.Int64(-2L)), new ExternalBlockHash.Int64(42L),
                        java.util.stream.IntStream.range(0, 32).boxed().toList(), 16, 1, "sql-lora"),
                KvEvent.BlockRemoved.onGpu(new ExternalBlockHash.Int64(7L)),
                new KvEvent.AllBlocksCleared()), 0);
        return KvEventsRecord.batch(EndpointId.parse("llm/llama-0:8000"), ResourceKey.parse("llm/llama"), 17, batch,
                T, "state-ingestor:state-ingestor-0");
    }

    /** A busy replica's report: two endpoints in flight, two prompts served. */
    public static PeerReport peerReport() {
        return new PeerReport("gateway-0", "3f2a9c1e", 41,
                List.of(new PeerReport.InFlight(EndpointId.parse("llm/llama-0:8000"), 3),
                        new PeerReport.InFlight(EndpointId.parse("llm/llama-1:8000"), 1)),
                List.of(PeerReport.Served.of(ResourceKey.parse("llm/llama"), EndpointId.parse("llm/llama-0:8000"),
                                new long[] {0x1234_5678_9abc_def0L, -2L, 42L}, T - 20),
                        PeerReport.Served.of(ResourceKey.parse("llm/llama"), EndpointId.parse("llm/llama-1:8000"),
                                new long[] {7L}, T - 5)),
                T, "gateway:gateway-0");
    }

    public static EndpointRow endpointRow() {
        return new EndpointRow(ResourceKey.parse("llm/llama"), EndpointId.parse("llm/llama-0:8000"), "10.0.0.7", 8000,
                Map.of("app", "vllm-llama"), metrics().report(), T);
    }

    public static PoolRow poolRow() {
        return new PoolRow(pool(), RowStatus.Accepted, List.of(), T + 5);
    }

    public static ModelRow modelRow() {
        return new ModelRow(ResourceKey.parse("llm/chat"), ResourceKey.parse("llm/llama"), "chat", Criticality.Critical, model().targetModels(),
                RowStatus.ModelNameInUse, List.of("modelName chat is claimed by llm/chat-old"), T - 60_000, T + 5);
    }

    public static ObjectiveRow objectiveRow() {
        return new ObjectiveRow(ResourceKey.parse("llm/batch"), ResourceKey.parse("llm/llama"), -1, RowStatus.Accepted, List.of(), T + 5);
    }

    public static RewriteRow rewriteRow() {
        return new RewriteRow(ResourceKey.parse("llm/alias"), ResourceKey.parse("llm/llama"), rewrite().rules(), RowStatus.Accepted, List.of(), T - 60_000, T + 5);
    }

    public static RouteRow routeRow() {
        return new RouteRow(ResourceKey.parse("llm/llm-route"), List.of("llm.example.com"),
                List.of(new RouteRow.Rule(route().rules().get(0).matches(),
                        List.of(new RouteRow.WeightedPool(ResourceKey.parse("llm/llama"), 80),
                                new RouteRow.WeightedPool(ResourceKey.parse("llm/llama-canary"), 20)))),
                RowStatus.UnresolvedRefs, List.of("backend llm/llama-canary is not an InferencePool that exists"), T + 5);
    }

    public static RoutingDecision decision() {
        return new RoutingDecision("req-1", T, "chat", "llama-v1", ResourceKey.parse("llm/llama"), "batch", Criticality.Critical, -1,
                "tenant-a", "default", true,
                List.of(new RoutingDecision.Candidate(EndpointId.parse("llm/llama-0:8000"), "10.0.0.7:8000", 3, 12, 0.42, 40L, 2,
                                Map.of("queue", 0.7, "kv-cache", 0.58, "prefix-cache", 1.0), 5.56, null, 1,
                                List.of("llama-v1"), List.of(), 4, Map.of("prefix-cache", 12), 1_204L),
                        new RoutingDecision.Candidate(EndpointId.parse("llm/llama-1:8000"), "10.0.0.8:8000", 9, 30, 0.91, 35L, 5,
                                Map.of(), 0, "low-kv-cache", 0, List.of(), List.of("llama-v1"), 4, Map.of(), 1_199L)),
                EndpointId.parse("llm/llama-0:8000"), 14_000, new RoutingDecision.Outcome(200, null, 95_000L, 512, 128, 2_400_000, 2),
                T + 3, "gateway:node-a",
                new RoutingDecision.Scheduling("3f2a9c01b7de", "filters=low-kv-cache:0.8,;scorers=queue:2.0,kv-cache:2.0,"
                        + "prefix-cache:3.0,;picker=max-score;staleness-ms=200", -4_611_686_018_427_387_904L, T,
                        new RoutingDecision.Saturation(false, 5, 0.8, 200),
                        Map.of("prefix-cache", new RoutingDecision.PrefixLookup(14, null)), 37L, "AAAAAAAAAAE=", 16, 2),
                List.of(new RoutingDecision.Attempt(EndpointId.parse("llm/llama-1:8000"), 503, "answered 503, retried", 2_100),
                        new RoutingDecision.Attempt(EndpointId.parse("llm/llama-0:8000"), 200, null, 94_000)));
    }

    /** Every sample, keyed by its type. */
    public static Map<Class<?>, Object> all() {
        return Map.ofEntries(Map.entry(InferencePool.class, pool()), Map.entry(InferenceModel.class, model()),
                Map.entry(InferenceObjective.class, objective()), Map.entry(InferenceModelRewrite.class, rewrite()),
                Map.entry(HttpRoute.class, route()), Map.entry(Pod.class, pod()),
                Map.entry(EndpointMetrics.class, metrics()), Map.entry(KvEventsRecord.class, kvEvents()),
                Map.entry(PeerReport.class, peerReport()),
                Map.entry(EndpointRow.class, endpointRow()),
                Map.entry(PoolRow.class, poolRow()), Map.entry(ModelRow.class, modelRow()),
                Map.entry(ObjectiveRow.class, objectiveRow()), Map.entry(RewriteRow.class, rewriteRow()),
                Map.entry(RouteRow.class, routeRow()), Map.entry(RoutingDecision.class, decision()));
    }
}
