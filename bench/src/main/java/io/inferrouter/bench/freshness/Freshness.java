package io.inferrouter.bench.freshness;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.bench.pipeline.BenchPipeline;
import io.inferrouter.bench.report.Csv;
import io.inferrouter.bench.report.Percentiles;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.engine.SimRequest;
import io.inferrouter.sim.engine.TokenSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Freshness of routing state through the real pipeline (scrape, Kafka, Streams, gateway replica):
 * from a model server's queue growing, a pod turning unready or ready, and an InferenceModel edit,
 * to the gateway's in-memory table showing it. Polled every 0.2 ms in the gateway's own JVM.
 */
public final class Freshness {

    private static final ResourceDefinitionContext MODELS = new ResourceDefinitionContext.Builder()
            .withGroup("inference.networking.x-k8s.io").withVersion("v1alpha2").withKind("InferenceModel")
            .withPlural("inferencemodels").withNamespaced(true).build();

    /** The command line {@link #run} reads. */
    public static final List<Option> OPTIONS = List.of(
            Option.value("--samples", "N", "100", "metric changes timed (a fifth of it, at least 10, for the others)"));

    private Freshness() {
    }

    public static void run(BenchArgs args) throws Exception {
        int samples = args.integer("--samples");
        Path work = Files.createTempDirectory("freshness-");
        Map<String, List<Double>> lat = new LinkedHashMap<>();
        try (BenchPipeline p = new BenchPipeline(2, "127.0.1.60", SimConfig.defaults(), Map.of(), null, work)) {
            p.awaitRoutable(Duration.ofSeconds(60));
            lat.put("metric change (queue +1)", metricChanges(p, samples));
            lat.put("pod unready / ready", readiness(p, Math.max(10, samples / 5)));
            lat.put("InferenceModel edit", modelEdits(p, Math.max(10, samples / 5)));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf("%n%-28s %8s %10s %10s %10s%n", "change", "samples", "p50 ms", "p99 ms", "max ms");
        lat.forEach((what, values) -> {
            Percentiles pct = new Percentiles(values.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf(Locale.ROOT, "%-28s %8d %10.1f %10.1f %10.1f%n", what, pct.count(), pct.at(50), pct.at(99),
                    pct.at(100));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("change", what);
            row.put("samples", pct.count());
            row.put("p50Ms", pct.at(50));
            row.put("p99Ms", pct.at(99));
            row.put("maxMs", pct.at(100));
            rows.add(row);
        });
        Path out = Path.of("bench", "results");
        Files.createDirectories(out);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "freshness");
        doc.put("at", Instant.now().toString());
        doc.put("scrapeInterval", "PT0.05S");
        doc.put("rows", rows);
        Files.writeString(out.resolve("freshness.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(doc) + "\n");
        Files.writeString(out.resolve("freshness.csv"), Csv.of(rows));
        System.out.println("wrote " + out.resolve("freshness.json") + ", .csv");
    }

    /** Pause pod 0's engine, then queue one request at a time on it and time until the gateway sees the queue grow. */
    private static List<Double> metricChanges(BenchPipeline p, int samples) throws InterruptedException {
        var pod = p.fleet().pod(0);
        pod.runner().pause(true);
        List<Double> out = new ArrayList<>();
        String endpoint = "bench/sim-0:" + p.port();
        try {
            for (int i = 0; i < samples; i++) {
                Thread.sleep(20 + (i * 7) % 50);
                int before = waiting(p.gateway().tables().current(), endpoint);
                long t0 = System.nanoTime();
                pod.runner().submit(new SimRequest("fresh-" + i, new int[] {1, 2, 3}, 1, null,
                        pod.runner().engine().hasher(), 16, new NoSink(), t0));
                out.add(await(p, s -> waiting(s, endpoint) > before, t0));
            }
        } finally {
            pod.runner().pause(false);
        }
        return out;
    }

    private static List<Double> readiness(BenchPipeline p, int samples) throws InterruptedException {
        List<Double> out = new ArrayList<>();
        String endpoint = "bench/sim-1:" + p.port();
        try (KubernetesClient client = p.kube().newClient()) {
            for (int i = 0; i < samples; i++) {
                boolean ready = i % 2 == 1;
                Thread.sleep(50);
                Pod pod = client.pods().inNamespace("bench").withName("sim-1").get();
                pod.getStatus().getConditions().get(0).setStatus(ready ? "True" : "False");
                long t0 = System.nanoTime();
                client.pods().inNamespace("bench").resource(pod).updateStatus();
                out.add(await(p, s -> present(s, endpoint) == ready, t0));
            }
            if (samples % 2 == 1) {
                Pod pod = client.pods().inNamespace("bench").withName("sim-1").get();
                pod.getStatus().getConditions().get(0).setStatus("True");
                client.pods().inNamespace("bench").resource(pod).updateStatus();
            }
        }
        return out;
    }

    private static List<Double> modelEdits(BenchPipeline p, int samples) throws InterruptedException {
        List<Double> out = new ArrayList<>();
        try (KubernetesClient client = p.kube().newClient()) {
            for (int i = 0; i < samples; i++) {
                Criticality next = i % 2 == 0 ? Criticality.Standard : Criticality.Critical;
                Thread.sleep(50);
                GenericKubernetesResource m = client.genericKubernetesResources(MODELS).inNamespace("bench")
                        .withName("base").get();
                @SuppressWarnings("unchecked")
                Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) m.getAdditionalProperties().get("spec"));
                spec.put("criticality", next.name());
                m.setAdditionalProperty("spec", spec);
                long t0 = System.nanoTime();
                client.genericKubernetesResources(MODELS).inNamespace("bench").resource(m).update();
                out.add(await(p, s -> {
                    var rows = s.modelsByName().get(BenchPipeline.MODEL);
                    return rows != null && !rows.isEmpty() && rows.get(0).criticality() == next;
                }, t0));
            }
        }
        return out;
    }

    private static double await(BenchPipeline p, Predicate<RoutingSnapshot> seen, long t0) throws InterruptedException {
        long deadline = t0 + Duration.ofSeconds(30).toNanos();
        while (!seen.test(p.gateway().tables().current())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway did not see the change within 30 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static int waiting(RoutingSnapshot s, String endpoint) {
        PoolSnapshot pool = s.pools().get(BenchPipeline.POOL);
        if (pool == null) {
            return -1;
        }
        for (Endpoint e : pool.endpoints()) {
            if (e.idText().equals(endpoint) && e.report() != null && e.report().load().waitingRequests() != null) {
                return e.report().load().waitingRequests();
            }
        }
        return -1;
    }

    private static boolean present(RoutingSnapshot s, String endpoint) {
        PoolSnapshot pool = s.pools().get(BenchPipeline.POOL);
        return pool != null && pool.endpoints().stream().anyMatch(e -> e.idText().equals(endpoint));
    }


    private static final class NoSink implements TokenSink {
        @Override
        public void token(int index, String text) {
        }

        @Override
        public void finished(int promptTokens, int cachedTokens, int outputTokens) {
        }

        @Override
        public void failed(String reason) {
        }
    }
}
