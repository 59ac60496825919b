package io.inferrouter.gateway.tables;

import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.tables.EndpointRow;
import java.util.List;
import java.util.Map;

/** Test builders for endpoints and pools. */
public final class Endpoints {

    private Endpoints() {
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
        String id = "llm/" + pod + ":8000";
        EndpointMetrics m = new EndpointMetrics(id, "127.0.1.1", 8000, "vllm", waiting, running, kv, loraRunning, loraWaiting,
                maxLora, 16, 1000, 0L, 0L, 100, null, observedAtMs, observedAtMs, "test");
        return new Endpoint(new EndpointRow("llm/pool", id, "127.0.1.1", 8000, Map.of(), m, observedAtMs),
                new EndpointLoad());
    }

    public static Endpoint withoutMetrics(String pod) {
        String id = "llm/" + pod + ":8000";
        return new Endpoint(new EndpointRow("llm/pool", id, "127.0.1.1", 8000, Map.of(), null, 0), new EndpointLoad());
    }

    public static PoolSnapshot pool(Endpoint... endpoints) {
        return new PoolSnapshot("llm/pool", null, List.of(endpoints), 16);
    }
}
