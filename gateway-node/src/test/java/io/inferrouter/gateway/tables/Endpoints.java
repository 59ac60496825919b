package io.inferrouter.gateway.tables;

import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.EndpointRow;
import java.util.List;
import java.util.Map;

/** Test builders for endpoints and pools. */
public final class Endpoints {

    public static final ResourceKey POOL = ResourceKey.of("llm", "pool");

    private Endpoints() {
    }

    /** The id of {@code pod}'s port 8000 in namespace llm. */
    public static EndpointId id(String pod) {
        return new EndpointId("llm", pod, 8000);
    }

    public static Endpoint endpoint(String pod, int waiting, double kv, long observedAtMs) {
        return endpoint(pod, waiting, kv, observedAtMs, List.of(), List.of(), null);
    }

    /** An endpoint whose running batch is {@code running} requests (the other builders say 0). */
    public static Endpoint running(String pod, int running) {
        return endpoint(pod, 0, running, 0.1, 1_000, List.of(), List.of(), null);
    }

    public static Endpoint endpoint(String pod, int waiting, double kv, long observedAtMs, List<String> loraRunning,
                                    List<String> loraWaiting, Integer maxLora) {
        return endpoint(pod, waiting, 0, kv, observedAtMs, loraRunning, loraWaiting, maxLora);
    }

    private static Endpoint endpoint(String pod, int waiting, int running, double kv, long observedAtMs,
                                     List<String> loraRunning, List<String> loraWaiting, Integer maxLora) {
        EngineReport report = EngineReport.scraped("vllm",
                new EngineLoad(waiting, running, kv, loraRunning, loraWaiting, maxLora), new CacheGeometry(16, 1000, 0L, 0L),
                100, observedAtMs, "test");
        return new Endpoint(new EndpointRow(POOL, id(pod), "127.0.1.1", 8000, Map.of(), report, observedAtMs),
                new EndpointLoad());
    }

    public static Endpoint withoutMetrics(String pod) {
        return new Endpoint(new EndpointRow(POOL, id(pod), "127.0.1.1", 8000, Map.of(), null, 0), new EndpointLoad());
    }

    public static PoolSnapshot pool(Endpoint... endpoints) {
        return new PoolSnapshot(POOL, null, List.of(endpoints), 16);
    }
}
