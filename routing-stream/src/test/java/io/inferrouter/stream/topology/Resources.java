package io.inferrouter.stream.topology;

import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.PoolRef;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.resources.TargetModel;
import java.util.List;
import java.util.Map;

/** Builders for the resource records the tests pipe in. */
final class Resources {

    static final String SRC = "test";

    private Resources() {
    }

    static InferencePool pool(String ns, String name, Map<String, String> selector, long at, Integer... ports) {
        return new InferencePool(new ResourceMeta(ns, name, null, null, 1, at), InferencePool.API_V1, selector,
                List.of(ports), null, null, List.of(), at, SRC);
    }

    static Pod pod(String ns, String name, String ip, Map<String, String> labels, boolean ready, long at) {
        return new Pod(new ResourceMeta(ns, name, null, null, 1, at), ip, labels, ready, false, List.of(8000),
                "node", List.of(), at, SRC);
    }

    static Pod terminating(Pod pod, long at) {
        return new Pod(pod.meta(), pod.ip(), pod.labels(), pod.ready(), true, pod.containerPorts(), pod.nodeName(),
                List.of(), at, SRC);
    }

    static EndpointMetrics metrics(String endpoint, int waiting, double kv, long at) {
        EndpointId id = EndpointId.parse(endpoint);
        return EndpointMetrics.scraped(id, "10.0.0.1", id.port(), "vllm", EngineLoad.of(waiting, 1, kv),
                new CacheGeometry(16, 1000, 0L, 0L), 100, at, SRC);
    }

    static EndpointMetrics failedScrape(String endpoint, long at) {
        EndpointId id = EndpointId.parse(endpoint);
        return EndpointMetrics.failed(id, "10.0.0.1", id.port(), "vllm", "timed out", 50_000, 0, at, SRC);
    }

    static InferenceModel model(String ns, String name, String modelName, String pool, long createdAt,
                                TargetModel... targets) {
        return new InferenceModel(new ResourceMeta(ns, name, null, null, 1, createdAt), modelName, Criticality.Critical,
                List.of(targets), PoolRef.named(pool), List.of(), createdAt, SRC);
    }

    static InferenceObjective objective(String ns, String name, String pool, Integer priority, long at) {
        return new InferenceObjective(new ResourceMeta(ns, name, null, null, 1, at), priority, PoolRef.named(pool),
                List.of(), at, SRC);
    }

    static InferenceModelRewrite rewrite(String ns, String name, String pool, String match, long at,
                                         InferenceModelRewrite.Target... targets) {
        return new InferenceModelRewrite(new ResourceMeta(ns, name, null, null, 1, at), PoolRef.named(pool),
                List.of(new InferenceModelRewrite.Rule(List.of(new InferenceModelRewrite.ModelMatch("Exact", match)),
                        List.of(targets))), List.of(), at, SRC);
    }

    static HttpRoute route(String ns, String name, long at, HttpRoute.BackendRef... backends) {
        return new HttpRoute(new ResourceMeta(ns, name, null, null, 1, at), List.of(), List.of(),
                List.of(new HttpRoute.Rule(List.of(), List.of(backends))), List.of(), at, SRC);
    }

    static HttpRoute.BackendRef poolBackend(String name, int weight) {
        return new HttpRoute.BackendRef("inference.networking.k8s.io", "InferencePool", null, name, null, weight);
    }
}
