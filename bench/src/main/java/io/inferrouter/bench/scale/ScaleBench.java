package io.inferrouter.bench.scale;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.bench.decision.DecisionTimeBenchmark;
import io.inferrouter.bench.load.Text;
import io.inferrouter.bench.report.Percentiles;
import io.inferrouter.bench.report.SvgChart;
import io.inferrouter.gateway.metrics.MicrometerGatewayMetrics;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.gateway.scheduler.SchedulingContext;
import io.inferrouter.gateway.scheduler.SchedulingRequest;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.gateway.tables.TableReplica;
import io.inferrouter.kafka.embedded.BrokerSettings;
import io.inferrouter.kafka.embedded.EmbeddedKafka;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.PoolRef;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.stream.app.RoutingStreamConfig;
import io.inferrouter.stream.app.RoutingStreamServer;
import io.inferrouter.support.TopicSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Scale of the pipeline: synthetic pools, pods, models and metric updates written to the ingestor's
 * topics (as state-ingestor writes them), through the real routing-stream on the embedded broker, into
 * the gateway's real table replica. The fleet grows in steps (for example 10, 100, 1,000 pools of 10
 * endpoints); at each step it measures:
 * <ul>
 *   <li>control plane: time from producing the new pools, pods and models to the gateway's table
 *       holding all of them;</li>
 *   <li>metrics throughput: a burst of metric updates (each a real change) produced as fast as the
 *       producer goes, and the rate at which they come out of routing-stream into the gateway's table
 *       (end to end, until every endpoint shows its last update);</li>
 *   <li>gateway memory: the heap a fresh table replica holds once caught up (full GC before and after,
 *       nothing else running), per endpoint, and the time it takes that replica to catch up;</li>
 *   <li>decision time on the replicated snapshot (GIE's default profile, 8,000-character prompts, a
 *       random pool per decision).</li>
 * </ul>
 */
public final class ScaleBench {

    /** The command line {@link #run} reads. */
    public static final List<Option> OPTIONS = List.of(
            Option.value("--pools", "LIST", "10,100,1000", "pool counts, one step each, growing"),
            Option.value("--endpoints-per-pool", "N", "10", "endpoints (pods) per pool"),
            Option.value("--models-per-pool", "N", "10", "InferenceModels per pool"),
            Option.value("--updates-per-endpoint", "F", "20", "metric updates per endpoint in each step's burst"),
            Option.value("--decisions", "N", "20000", "scheduling decisions timed per step"),
            Option.flag("--in-memory-stores", "routing-stream's state stores in memory (RocksDB otherwise)"));

    private static final String NS = "scale";
    private static final int PORT = 8000;

    private final int endpointsPerPool;
    private final int modelsPerPool;
    private final double updatesPerEndpoint;
    private final SplittableRandom random = new SplittableRandom(42);
    private final java.util.concurrent.atomic.AtomicReference<Exception> sendError =
            new java.util.concurrent.atomic.AtomicReference<>();
    private int pools;
    private long marker;

    private ScaleBench(int endpointsPerPool, int modelsPerPool, double updatesPerEndpoint) {
        this.endpointsPerPool = endpointsPerPool;
        this.modelsPerPool = modelsPerPool;
        this.updatesPerEndpoint = updatesPerEndpoint;
    }

    public static void run(BenchArgs args) throws Exception {
        List<Integer> steps = new ArrayList<>();
        for (int n : args.integers("--pools")) {
            steps.add(positive("--pools", n));
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i) <= steps.get(i - 1)) {
                throw new BenchArgs.BadArgument("--pools must grow from step to step: " + steps);
            }
        }
        int perPool = positive("--endpoints-per-pool", args.integer("--endpoints-per-pool"));
        int models = positive("--models-per-pool", args.integer("--models-per-pool"));
        double updates = args.decimal("--updates-per-endpoint");
        int decisions = positive("--decisions", args.integer("--decisions"));
        boolean inMemory = args.flag("--in-memory-stores");
        Path work = Files.createTempDirectory("scale-");
        System.out.printf(Locale.ROOT, "scale: steps %s pools x %d endpoints, %d models per pool, %.0f metric "
                + "updates per endpoint per step, %s stores; work dir %s%n", steps, perPool, models, updates,
                inMemory ? "in-memory" : "RocksDB", work);
        List<Map<String, Object>> rows = new ArrayList<>();
        ScaleBench bench = new ScaleBench(perPool, models, updates);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(BrokerSettings.ephemeral())) {
            TopicSetup.ensure(kafka.bootstrapServers(), (short) 1, Duration.ofSeconds(30), Topics.all());
            Map<String, String> env = new HashMap<>(Map.of("ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "ROUTING_STREAM_HTTP_PORT", "0", "ROUTING_STREAM_STATE_DIR", work.resolve("streams").toString(),
                    "ROUTING_STREAM_IN_MEMORY_STORES", Boolean.toString(inMemory)));
            PrometheusMeterRegistry streamsRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (RoutingStreamServer routing = RoutingStreamServer.start(
                    RoutingStreamConfig.from(RoutingStreamConfig.SETTINGS.load(List.of(), env)), streamsRegistry);
                 TableReplica gateway = new TableReplica(kafka.bootstrapServers(),
                         new MicrometerGatewayMetrics(new SimpleMeterRegistry())).start();
                 KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                await("routing-stream RUNNING", Duration.ofSeconds(120), () -> routing.app().ready());
                await("gateway table replica caught up", Duration.ofSeconds(120), () -> gateway.ready());
                for (int target : steps) {
                    Map<String, Object> row = bench.step(target, kafka.bootstrapServers(), gateway, producer, decisions,
                            () -> endpointRowsEmitted(streamsRegistry));
                    if (!rows.isEmpty()) {
                        // The growth between two steps, free of the replica's fixed cost (consumer buffers, maps).
                        Map<String, Object> previous = rows.get(rows.size() - 1);
                        double bytes = ((Number) row.get("replicaHeapBytes")).doubleValue()
                                - ((Number) previous.get("replicaHeapBytes")).doubleValue();
                        double added = ((Number) row.get("endpoints")).doubleValue()
                                - ((Number) previous.get("endpoints")).doubleValue();
                        row.put("replicaHeapMarginalBytesPerEndpoint", bytes / added);
                        System.out.printf(Locale.ROOT, "gateway replica growth since the last step: %,.0f bytes per "
                                + "added endpoint (with its pool's share of pools and models)%n", bytes / added);
                    }
                    rows.add(row);
                }
            }
        }
        report(rows, steps, perPool, models, updates, inMemory);
    }

    private Map<String, Object> step(int targetPools, String bootstrap, TableReplica gateway,
                                     KafkaProducer<String, byte[]> producer, int decisions,
                                     java.util.function.DoubleSupplier streamsRows) throws Exception {
        int endpoints = targetPools * endpointsPerPool;
        System.out.printf(Locale.ROOT, "%n-- %d pools, %d endpoints, %d models%n", targetPools, endpoints,
                targetPools * modelsPerPool);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("pools", targetPools);
        row.put("endpoints", endpoints);
        row.put("models", targetPools * modelsPerPool);

        // Control plane: new pools, their pods (Ready) and models, then metrics for the new endpoints.
        long started = System.nanoTime();
        int records = 0;
        for (int p = pools; p < targetPools; p++) {
            records += addPool(producer, p);
        }
        flush(producer);
        await("the gateway's table to hold " + endpoints + " endpoints", Duration.ofMinutes(10), () -> {
            RoutingSnapshot s = gateway.current();
            return s.endpointCount() == endpoints && modelCount(s) == targetPools * modelsPerPool;
        });
        double controlSeconds = (System.nanoTime() - started) / 1e9;
        pools = targetPools;
        row.put("controlPlaneRecords", records);
        row.put("controlPlaneSeconds", controlSeconds);
        System.out.printf(Locale.ROOT, "control plane: %,d records to tables in %.2f s (%,.0f records/s)%n", records,
                controlSeconds, records / controlSeconds);

        // Metrics burst: every update a real change; the last one per endpoint carries a marker value.
        int updates = Math.max(endpoints, (int) Math.round(endpoints * updatesPerEndpoint));
        marker++;
        int finalWaiting = (int) (1_000_000 + marker);
        double rowsBefore = streamsRows.getAsDouble();
        long burstStart = System.nanoTime();
        long now = System.currentTimeMillis();
        for (int u = 0; u < updates; u++) {
            int e = u % endpoints;
            boolean last = u >= updates - endpoints;
            send(producer, Topics.ENDPOINT_METRICS, endpointId(e).toString(),
                    metrics(e, last ? finalWaiting : random.nextInt(1_000_000), now));
        }
        flush(producer);
        double produceSeconds = (System.nanoTime() - burstStart) / 1e9;
        // Streams is done when it has emitted a row per update (every update is a change); the gateway when
        // every endpoint shows its last value. Both are watched in one loop so each gets its own time.
        long[] streamsDone = {0};
        await("every endpoint to show its last update", Duration.ofMinutes(20), () -> {
            if (streamsDone[0] == 0 && streamsRows.getAsDouble() - rowsBefore >= updates * 0.999) {
                streamsDone[0] = System.nanoTime();
            }
            return allEndpoints(gateway.current(), m -> m != null && m.load().waitingRequests() != null
                    && m.load().waitingRequests() == finalWaiting);
        });
        double burstSeconds = (System.nanoTime() - burstStart) / 1e9;
        if (streamsDone[0] == 0) {
            streamsDone[0] = System.nanoTime();
        }
        double streamsSeconds = (streamsDone[0] - burstStart) / 1e9;
        row.put("streamsSeconds", streamsSeconds);
        row.put("streamsRatePerSec", updates / streamsSeconds);
        row.put("metricUpdates", updates);
        row.put("produceSeconds", produceSeconds);
        row.put("produceRatePerSec", updates / produceSeconds);
        row.put("endToEndSeconds", burstSeconds);
        row.put("pipelineRatePerSec", updates / burstSeconds);
        System.out.printf(Locale.ROOT, "metrics: %,d updates produced in %.2f s (%,.0f/s); routing-stream emitted their "
                + "rows after %.2f s (%,.0f/s); all in the gateway's table after %.2f s: %,.0f updates/s end to end%n",
                updates, produceSeconds, updates / produceSeconds, streamsSeconds, updates / streamsSeconds,
                burstSeconds, updates / burstSeconds);

        // Gateway memory: a fresh replica in a JVM of its own.
        ReplicaFootprint.Result footprint = ReplicaFootprint.measure(bootstrap, endpoints);
        row.put("replicaCatchUpSeconds", footprint.catchUpSeconds());
        row.put("replicaHeapBytes", footprint.heapBytes());
        row.put("replicaHeapBytesPerEndpoint", (double) footprint.heapBytes() / endpoints);
        System.out.printf(Locale.ROOT, "gateway replica (own JVM): caught up in %.2f s, heap %.1f MiB = %,.0f bytes per "
                + "endpoint (pools and models included)%n", footprint.catchUpSeconds(),
                footprint.heapBytes() / 1048576.0, (double) footprint.heapBytes() / endpoints);

        // Decision time on the replicated snapshot.
        Percentiles decide = decisionTimes(gateway.current(), decisions);
        row.put("decisionP50Us", decide.at(50));
        row.put("decisionP99Us", decide.at(99));
        System.out.printf(Locale.ROOT, "decision (GIE default, 8,000-char prompt, random pool of %d): p50 %.1f us, "
                + "p99 %.1f us%n", endpointsPerPool, decide.at(50), decide.at(99));
        return row;
    }

    private int addPool(KafkaProducer<String, byte[]> producer, int p) {
        long now = System.currentTimeMillis();
        String pool = "pool-" + p;
        send(producer, Topics.INFERENCE_POOLS, ResourceKey.of(NS, pool).toString(), new InferencePool(new ResourceMeta(NS, pool, null,
                null, 1, now), InferencePool.API_V1, Map.of("app", pool), List.of(PORT), null, null, List.of(), now,
                "bench"));
        for (int i = 0; i < endpointsPerPool; i++) {
            int e = p * endpointsPerPool + i;
            send(producer, Topics.PODS, ResourceKey.of(NS, podName(e)).toString(), new Pod(new ResourceMeta(NS, podName(e), null, null, 1,
                    now), address(e), Map.of("app", pool), true, false, List.of(PORT), "node-" + (e % 100), List.of(),
                    now, "bench"));
            send(producer, Topics.ENDPOINT_METRICS, endpointId(e).toString(), metrics(e, 0, now));
        }
        for (int m = 0; m < modelsPerPool; m++) {
            String name = "model-" + p + "-" + m;
            send(producer, Topics.INFERENCE_MODELS, ResourceKey.of(NS, name).toString(), new InferenceModel(new ResourceMeta(NS, name, null,
                    null, 1, now), name, Criticality.values()[m % Criticality.values().length], List.of(),
                    PoolRef.named(pool), List.of(), now, "bench"));
        }
        return 1 + 2 * endpointsPerPool + modelsPerPool;
    }

    private Percentiles decisionTimes(RoutingSnapshot snapshot, int count) {
        List<PoolSnapshot> all = new ArrayList<>(snapshot.pools().values());
        try (PrefixIndex index = new PrefixIndex(31_250, 100_000)) {
            Scheduler scheduler = DecisionTimeBenchmark.gieDefault(index);
            String system = Text.words(random, 1_000);
            List<SchedulingRequest> requests = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String prompt = (system + " " + Text.words(random, 1_000)).substring(0, 8_000);
                requests.add(new SchedulingRequest("model", prompt, false, false));
            }
            long[] nanos = new long[count];
            int warmUp = count / 4;
            for (int i = -warmUp; i < count; i++) {
                PoolSnapshot pool = all.get(random.nextInt(all.size()));
                SchedulingContext context = new SchedulingContext(requests.get(random.nextInt(requests.size())), pool,
                        System.currentTimeMillis());
                long t = System.nanoTime();
                var decision = scheduler.schedule(context);
                long took = System.nanoTime() - t;
                if (!decision.hasEndpoint()) {
                    throw new IllegalStateException("no endpoint chosen in " + pool.key());
                }
                // Learning is a post-response hook, outside the decision's time, as in the gateway.
                scheduler.served(context, decision.pick());
                if (i >= 0) {
                    nanos[i] = took;
                }
            }
            double[] micros = new double[count];
            for (int i = 0; i < count; i++) {
                micros[i] = nanos[i] / 1_000.0;
            }
            return new Percentiles(micros);
        }
    }

    private static double endpointRowsEmitted(PrometheusMeterRegistry registry) {
        var counter = registry.find("routing_stream_rows_emitted").tag("table", Topics.TABLE_ENDPOINTS.name()).counter();
        return counter == null ? 0 : counter.count();
    }

    private static int modelCount(RoutingSnapshot s) {
        int n = 0;
        for (var models : s.modelsByName().values()) {
            n += models.size();
        }
        return n;
    }

    private static boolean allEndpoints(RoutingSnapshot s, Predicate<EngineReport> test) {
        for (PoolSnapshot pool : s.pools().values()) {
            for (Endpoint e : pool.endpoints()) {
                if (!test.test(e.report())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String podName(int e) {
        return "pod-" + e;
    }

    private static EndpointId endpointId(int e) {
        return new EndpointId(NS, podName(e), PORT);
    }

    private static String address(int e) {
        return "10." + (e >> 16 & 255) + "." + (e >> 8 & 255) + "." + (e & 255);
    }

    private EndpointMetrics metrics(int e, int waiting, long at) {
        return EndpointMetrics.scraped(endpointId(e), address(e), PORT, "vllm", new EngineLoad(waiting,
                random.nextInt(64), random.nextDouble(), List.of(), List.of(), 4), new CacheGeometry(16, 28_000, 0L, 0L),
                300, at, "bench");
    }

    private <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(),
                value)), (metadata, error) -> {
                    if (error != null) {
                        sendError.compareAndSet(null, error);
                    }
                });
    }

    /** Flushes the producer and fails the run if any send failed: a lost record would skew every number. */
    private void flush(KafkaProducer<String, byte[]> producer) {
        producer.flush();
        Exception error = sendError.get();
        if (error != null) {
            throw new IllegalStateException("a send failed: " + error, error);
        }
    }

    /** The ingestor's producer settings, batching allowed: this is a bulk load. */
    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer());
    }

    private static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static void report(List<Map<String, Object>> rows, List<Integer> steps, int perPool, int models,
                               double updates, boolean inMemory) throws Exception {
        System.out.printf("%n%8s %10s %8s %14s %16s %16s %16s %14s %14s %12s %12s%n", "pools", "endpoints", "models",
                "control s", "Streams rows/s", "metrics/s e2e", "replica B/ep", "growth B/ep", "catch-up s", "decide p50", "decide p99");
        SvgChart rate = new SvgChart("Metric updates per second, produced to gateway table", "endpoints",
                "updates/s", false);
        SvgChart memory = new SvgChart("Gateway table replica heap per endpoint", "endpoints", "bytes", false);
        StringBuilder csv = new StringBuilder("pools,endpoints,models,controlPlaneRecords,controlPlaneSeconds,"
                + "metricUpdates,produceRatePerSec,streamsRatePerSec,pipelineRatePerSec,replicaCatchUpSeconds,replicaHeapBytes,"
                + "replicaHeapBytesPerEndpoint,replicaHeapMarginalBytesPerEndpoint,decisionP50Us,decisionP99Us\n");
        for (Map<String, Object> r : rows) {
            System.out.printf(Locale.ROOT, "%8d %10d %8d %14.2f %16.0f %16.0f %16.0f %14s %14.2f %12.1f %12.1f%n", r.get("pools"),
                    r.get("endpoints"), r.get("models"), r.get("controlPlaneSeconds"), r.get("streamsRatePerSec"),
                    r.get("pipelineRatePerSec"),
                    r.get("replicaHeapBytesPerEndpoint"), r.containsKey("replicaHeapMarginalBytesPerEndpoint")
                            ? String.format(Locale.ROOT, "%.0f", r.get("replicaHeapMarginalBytesPerEndpoint")) : "-",
                    r.get("replicaCatchUpSeconds"), r.get("decisionP50Us"),
                    r.get("decisionP99Us"));
            double x = ((Number) r.get("endpoints")).doubleValue();
            rate.point("end to end (Streams + replica)", x, (double) r.get("pipelineRatePerSec"));
            rate.point("routing-stream rows out", x, (double) r.get("streamsRatePerSec"));
            rate.point("produced", x, (double) r.get("produceRatePerSec"));
            memory.point("heap / endpoints", x, (double) r.get("replicaHeapBytesPerEndpoint"));
            if (r.containsKey("replicaHeapMarginalBytesPerEndpoint")) {
                memory.point("growth per added endpoint", x, (double) r.get("replicaHeapMarginalBytesPerEndpoint"));
            }
            csv.append(String.join(",", List.of("pools", "endpoints", "models", "controlPlaneRecords",
                    "controlPlaneSeconds", "metricUpdates", "produceRatePerSec", "streamsRatePerSec", "pipelineRatePerSec",
                    "replicaCatchUpSeconds", "replicaHeapBytes", "replicaHeapBytesPerEndpoint",
                    "replicaHeapMarginalBytesPerEndpoint", "decisionP50Us", "decisionP99Us").stream()
                    .map(k -> r.containsKey(k) ? String.valueOf(r.get(k)) : "").toList())).append('\n');
        }
        Path out = Path.of("bench", "results");
        Files.createDirectories(out);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "scale");
        doc.put("at", Instant.now().toString());
        doc.put("steps", steps);
        doc.put("endpointsPerPool", perPool);
        doc.put("modelsPerPool", models);
        doc.put("updatesPerEndpointPerStep", updates);
        doc.put("stores", inMemory ? "in-memory" : "rocksdb");
        doc.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        doc.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        doc.put("rows", rows);
        Files.writeString(out.resolve("scale.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(doc) + "\n");
        Files.writeString(out.resolve("scale.csv"), csv);
        Files.writeString(out.resolve("scale-throughput.svg"), rate.render());
        Files.writeString(out.resolve("scale-memory.svg"), memory.render());
        System.out.println("wrote " + out.resolve("scale.json") + ", scale.csv, scale-throughput.svg, scale-memory.svg");
    }

    private static int positive(String name, int n) {
        if (n <= 0) {
            throw new BenchArgs.BadArgument(name + " must be positive, was " + n);
        }
        return n;
    }

}
