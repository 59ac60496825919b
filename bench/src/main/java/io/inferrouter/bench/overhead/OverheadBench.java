package io.inferrouter.bench.overhead;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.bench.report.SvgChart;
import io.inferrouter.kafka.embedded.BrokerSettings;
import io.inferrouter.kafka.embedded.EmbeddedKafka;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RowStatus;
import io.inferrouter.schemas.tables.TableKeys;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.support.TopicSetup;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Gateway overhead: client to zero-latency backend directly, and through gateway-node, nginx and
 * HAProxy (plain round-robin), in the same run, with 1 KB and 200 KB bodies, streaming and not.
 * Fixed-rate rounds are interleaved across targets and repeated, so the reported added latency is a
 * median with its spread; max throughput is measured closed-loop, in interleaved rounds too. The load
 * generator runs in its own JVM ({@link LoadClient}), and so does gateway-node ({@link GatewayProcess}),
 * as nginx and HAProxy run in processes of their own; the backends and the broker share the
 * benchmark's JVM.
 */
public final class OverheadBench {

    /** @param process the target's own process, or null (the direct backends share the benchmark's JVM) */
    private record Target(String name, String url, ProcessHandle process) {
    }

    private static final List<String> CASES = List.of("1KB", "1KB stream", "200KB", "200KB stream");

    /** The command line {@link #run} reads. */
    public static final List<Option> OPTIONS = List.of(
            Option.flag(BenchArgs.QUICK, "shorter defaults for a first look"),
            Option.value("--rounds", "N", "3", "rounds, interleaved across the targets").quick("1"),
            Option.value("--seconds", "N", "8", "seconds per measurement").quick("4"),
            Option.value("--rates", "LIST", "200,800", "fixed arrival rates, req/s").quick("200"),
            Option.value("--cases", "LIST", String.join(",", CASES), "request cases, by name (quote the list)"),
            Option.value("--gateway-jvm", "\"OPTS\"", "", "extra JVM options for gateway-node, e.g. a profiler "
                    + "agent (docs/benchmarks.md)"));

    private OverheadBench() {
    }

    public static void run(BenchArgs args) throws Exception {
        int rounds = args.integer("--rounds");
        int seconds = args.integer("--seconds");
        List<Integer> rates = args.integers("--rates");
        List<String> cases = args.list("--cases");
        for (String c : cases) {
            if (!CASES.contains(c)) {
                throw new IllegalArgumentException("unknown case '" + c + "'; cases are " + CASES);
            }
        }
        String gatewayJvm = args.string("--gateway-jvm");
        Path out = Path.of("bench", "results");
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("overhead-");
        try (ZeroLatencyBackend b1 = new ZeroLatencyBackend("127.0.0.1");
             ZeroLatencyBackend b2 = new ZeroLatencyBackend("127.0.0.1");
             EmbeddedKafka kafka = EmbeddedKafka.start(BrokerSettings.ephemeral())) {
            publishTables(kafka.bootstrapServers(), List.of(b1.port(), b2.port()));
            Map<String, String> env = Map.of("ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "GATEWAY_METRICS_STALENESS", "PT24H", "GATEWAY_NODE_ID", "overhead-bench");
            String probe = new String(LoadClient.body(1024, false), StandardCharsets.UTF_8);
            List<String> extraJvm = gatewayJvm.isBlank() ? List.of() : List.of(gatewayJvm.trim().split("\\s+"));
            try (GatewayProcess gateway = GatewayProcess.start(work.resolve("gateway-node.log"), freePort(), env, probe,
                    extraJvm)) {
                List<Target> targets = new ArrayList<>();
                targets.add(new Target("direct", "http://127.0.0.1:" + b1.port(), null));
                targets.add(new Target("gateway-node", "http://127.0.0.1:" + gateway.port(), gateway.handle()));
                List<AutoCloseable> proxies = new ArrayList<>();
                try {
                    for (String proxy : List.of("nginx", "haproxy")) {
                        try {
                            int port = freePort();
                            ExternalProxy p = proxy.equals("nginx")
                                    ? ExternalProxy.nginx(work.resolve("nginx"), port, List.of(b1.port(), b2.port()))
                                    : ExternalProxy.haproxy(work.resolve("haproxy"), port, List.of(b1.port(), b2.port()));
                            proxies.add(p);
                            targets.add(new Target(proxy, "http://127.0.0.1:" + port, p.handle()));
                        } catch (IOException e) {
                            System.out.println("skipping " + proxy + ": " + e.getMessage());
                        }
                    }
                    measure(targets, cases, rounds, seconds, rates, out);
                } finally {
                    for (AutoCloseable p : proxies) {
                        p.close();
                    }
                }
            }
        }
    }

    private static void measure(List<Target> targets, List<String> cases, int rounds, int seconds, List<Integer> rates,
                                Path out) throws Exception {
        // Warm every target (the JIT of the gateway and the backends) before any round is measured.
        for (Target t : targets) {
            client("max", t.url(), 1024, false, 16, 3);
            client("max", t.url(), 1024, true, 16, 2);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        SvgChart chart = new SvgChart("Added p50 latency vs direct (1 KB, not streamed)", "rate (req/s)",
                "added p50 (ms)", false);
        for (int bodyBytes : List.of(1024, 200 * 1024)) {
            for (boolean stream : List.of(false, true)) {
                String kase = (bodyBytes / 1024) + "KB" + (stream ? " stream" : "");
                if (!cases.contains(kase)) {
                    continue;
                }
                for (int rate : rates) {
                    Map<String, List<double[]>> byTarget = new LinkedHashMap<>();
                    for (int r = 0; r < rounds; r++) {
                        for (Target t : targets) {
                            Map<?, ?> res = client("rate", t.url(), bodyBytes, stream, rate, seconds);
                            byTarget.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(new double[] {
                                ((Number) res.get("p50Ms")).doubleValue(), ((Number) res.get("p99Ms")).doubleValue(),
                                ((Number) res.get("errors")).doubleValue()});
                            System.out.printf(Locale.ROOT, "  %-14s %-12s rate %4d round %d: p50 %.3f ms p99 %.3f ms errors %s%n",
                                    t.name(), kase, rate, r + 1, res.get("p50Ms"), res.get("p99Ms"), res.get("errors"));
                        }
                    }
                    List<double[]> direct = byTarget.get("direct");
                    for (Target t : targets) {
                        List<double[]> m = byTarget.get(t.name());
                        double[] addedP50 = new double[rounds];
                        double[] addedP99 = new double[rounds];
                        for (int r = 0; r < rounds; r++) {
                            addedP50[r] = m.get(r)[0] - direct.get(r)[0];
                            addedP99[r] = m.get(r)[1] - direct.get(r)[1];
                        }
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("case", kase);
                        row.put("target", t.name());
                        row.put("rate", rate);
                        row.put("rounds", rounds);
                        row.put("p50Ms", median(m, 0));
                        row.put("p99Ms", median(m, 1));
                        row.put("addedP50Ms", median(addedP50));
                        row.put("addedP50MinMs", min(addedP50));
                        row.put("addedP50MaxMs", max(addedP50));
                        row.put("addedP99Ms", median(addedP99));
                        row.put("addedP99MinMs", min(addedP99));
                        row.put("addedP99MaxMs", max(addedP99));
                        row.put("errors", m.stream().mapToDouble(x -> x[2]).sum());
                        rows.add(row);
                        if (bodyBytes == 1024 && !stream && !t.name().equals("direct")) {
                            chart.point(t.name(), rate, median(addedP50));
                        }
                    }
                }
                // Closed-loop rounds, interleaved across targets like the fixed-rate ones, so a slow
                // moment of the machine hits every target rather than one.
                Map<String, double[]> maxByTarget = new LinkedHashMap<>();
                Map<String, double[]> cpuByTarget = new LinkedHashMap<>();
                Map<String, Double> maxErrors = new LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (Target t : targets) {
                        long cpuBefore = t.process() == null ? -1 : ProcessCpu.nanos(t.process());
                        Map<?, ?> res = client("max", t.url(), bodyBytes, stream, 64, seconds);
                        long cpuAfter = t.process() == null ? -1 : ProcessCpu.nanos(t.process());
                        double rps = ((Number) res.get("requestsPerSecond")).doubleValue();
                        maxByTarget.computeIfAbsent(t.name(), k -> new double[rounds])[r] = rps;
                        // The target's CPU per request over the client's whole run (its warm-up included).
                        long sent = ((Number) res.get("requestsSent")).longValue();
                        cpuByTarget.computeIfAbsent(t.name(), k -> new double[rounds])[r] =
                                cpuBefore < 0 || cpuAfter < 0 || sent == 0 ? Double.NaN
                                        : (cpuAfter - cpuBefore) / 1_000.0 / sent;
                        maxErrors.merge(t.name(), ((Number) res.get("errors")).doubleValue(), Double::sum);
                        System.out.printf(Locale.ROOT, "  %-14s %-12s max throughput round %d: %.0f req/s%n", t.name(),
                                kase, r + 1, rps);
                    }
                }
                double[] nginx = maxByTarget.get("nginx");
                for (Target t : targets) {
                    double[] m = maxByTarget.get(t.name());
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("case", kase);
                    row.put("target", t.name());
                    row.put("maxRequestsPerSecond", median(m));
                    row.put("maxRequestsPerSecondMin", min(m));
                    row.put("maxRequestsPerSecondMax", max(m));
                    if (nginx != null) {
                        // Per round, then the median: the ratio within one round is what the goal is about.
                        double[] ratio = new double[rounds];
                        for (int r = 0; r < rounds; r++) {
                            ratio[r] = m[r] / nginx[r];
                        }
                        row.put("maxVsNginx", median(ratio));
                        row.put("maxVsNginxMin", min(ratio));
                        row.put("maxVsNginxMax", max(ratio));
                    }
                    double[] cpu = cpuByTarget.get(t.name());
                    if (!Double.isNaN(cpu[0])) {
                        row.put("cpuUsPerRequest", median(cpu));
                        row.put("cpuUsPerRequestMin", min(cpu));
                        row.put("cpuUsPerRequestMax", max(cpu));
                    }
                    row.put("errors", maxErrors.get(t.name()));
                    rows.add(row);
                }
            }
        }
        printTable(rows);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "overhead");
        doc.put("at", Instant.now().toString());
        doc.put("rounds", rounds);
        doc.put("secondsPerRound", seconds);
        doc.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));
        doc.put("gatewayJvmOptions", GatewayProcess.JVM_OPTIONS);
        doc.put("rows", rows);
        Files.writeString(out.resolve("overhead.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(doc) + "\n");
        StringBuilder csv = new StringBuilder("case,target,rate,p50Ms,p99Ms,addedP50Ms,addedP50MinMs,addedP50MaxMs,"
                + "addedP99Ms,addedP99MinMs,addedP99MaxMs,maxRequestsPerSecond,maxRequestsPerSecondMin,"
                + "maxRequestsPerSecondMax,maxVsNginx,maxVsNginxMin,maxVsNginxMax,cpuUsPerRequest,cpuUsPerRequestMin,"
                + "cpuUsPerRequestMax,errors\n");
        for (Map<String, Object> r : rows) {
            csv.append(String.join(",", List.of("case", "target", "rate", "p50Ms", "p99Ms", "addedP50Ms", "addedP50MinMs",
                    "addedP50MaxMs", "addedP99Ms", "addedP99MinMs", "addedP99MaxMs", "maxRequestsPerSecond",
                    "maxRequestsPerSecondMin", "maxRequestsPerSecondMax", "maxVsNginx", "maxVsNginxMin", "maxVsNginxMax",
                    "cpuUsPerRequest", "cpuUsPerRequestMin", "cpuUsPerRequestMax", "errors")
                    .stream().map(k -> r.get(k) == null ? "" : String.valueOf(r.get(k))).toList())).append('\n');
        }
        Files.writeString(out.resolve("overhead.csv"), csv.toString());
        Files.writeString(out.resolve("overhead.svg"), chart.render());
        System.out.println("wrote " + out.resolve("overhead.json") + ", overhead.csv, overhead.svg");
    }

    private static void printTable(List<Map<String, Object>> rows) {
        System.out.printf("%n%-12s %-14s %6s %22s %22s %12s%n", "case", "target", "rate", "added p50 ms [min,max]",
                "added p99 ms [min,max]", "max req/s");
        for (Map<String, Object> r : rows) {
            if (r.containsKey("rate")) {
                System.out.printf(Locale.ROOT, "%-12s %-14s %6s %8.3f [%5.3f,%5.3f] %8.3f [%5.3f,%5.3f] %12s%n",
                        r.get("case"), r.get("target"), r.get("rate"), r.get("addedP50Ms"), r.get("addedP50MinMs"),
                        r.get("addedP50MaxMs"), r.get("addedP99Ms"), r.get("addedP99MinMs"), r.get("addedP99MaxMs"), "");
            } else {
                System.out.printf(Locale.ROOT, "%-12s %-14s %6s %22s %22s %12.0f [%.0f,%.0f] vs nginx %s, CPU %s%n",
                        r.get("case"), r.get("target"), "max", "", "", r.get("maxRequestsPerSecond"),
                        r.get("maxRequestsPerSecondMin"), r.get("maxRequestsPerSecondMax"),
                        r.containsKey("maxVsNginx") ? String.format(Locale.ROOT, "%.2f [%.2f,%.2f]", r.get("maxVsNginx"),
                                r.get("maxVsNginxMin"), r.get("maxVsNginxMax")) : "-",
                        r.containsKey("cpuUsPerRequest") ? String.format(Locale.ROOT, "%.0f us/req [%.0f,%.0f]",
                                r.get("cpuUsPerRequest"), r.get("cpuUsPerRequestMin"), r.get("cpuUsPerRequestMax")) : "-");
            }
        }
    }

    private static Map<?, ?> client(String mode, String url, int bodyBytes, boolean stream, double param, int seconds)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                LoadClient.class.getName(), mode, url + "/v1/chat/completions", Integer.toString(bodyBytes),
                Boolean.toString(stream), Double.toString(param), Integer.toString(seconds))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("load client failed for " + url + ": " + stdout);
        }
        return Json.mapper().readValue(stdout.lines().reduce((a, b) -> b).orElse("{}"), Map.class);
    }

    private static void publishTables(String bootstrap, List<Integer> ports) throws Exception {
        TopicSetup.ensure(bootstrap, (short) 1, Duration.ofSeconds(30), Topics.all());
        ResourceKey pool = ResourceKey.of("bench", "pool");
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            send(producer, Topics.TABLE_POOLS, pool.toString(), new PoolRow(new InferencePool(
                    new ResourceMeta("bench", "pool", null, null, 1, now), InferencePool.API_V1, Map.of("app", "b"),
                    List.of(8000), null, null, List.of(), now, "bench"), RowStatus.Accepted, List.of(), now));
            send(producer, Topics.TABLE_MODELS, "bench/bench", new ModelRow(ResourceKey.of("bench", "bench"), pool, "bench",
                    Criticality.Standard, List.of(), RowStatus.Accepted, List.of(), now, now));
            for (int i = 0; i < ports.size(); i++) {
                EndpointId id = new EndpointId("bench", "backend-" + i, ports.get(i));
                EngineReport report = EngineReport.scraped("vllm", EngineLoad.of(0, 0, 0.0),
                        new CacheGeometry(16, 1000, 0L, 0L), 1, now, "bench");
                send(producer, Topics.TABLE_ENDPOINTS, TableKeys.of(pool, id),
                        new EndpointRow(pool, id, "127.0.0.1", ports.get(i), Map.of(), report, now));
            }
        }
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(),
                value))).get();
    }


    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static double median(List<double[]> values, int index) {
        return median(values.stream().mapToDouble(v -> v[index]).toArray());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(Double.NaN);
    }
}
