package io.inferrouter.bench.replicas;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.bench.load.LoadGenerator;
import io.inferrouter.bench.load.RequestResult;
import io.inferrouter.bench.load.Workload;
import io.inferrouter.bench.pipeline.BenchPipeline;
import io.inferrouter.bench.quality.RouterOverhead;
import io.inferrouter.bench.report.Csv;
import io.inferrouter.bench.report.StageStats;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.sim.engine.SimConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Gateway replicas side by side in one run ({@code ./dev bench sharing}): the same workload, seed and
 * fleet through one replica, through N replicas that share what they learn ({@code gateway.peers}),
 * and through N replicas that do not ({@code peers.enabled=false}, what other routers' replicas do),
 * each request to a replica picked at random as behind a Service. Fleet and gateways restart for each
 * configuration; the configurations are interleaved and repeated for the spread.
 */
public final class ReplicaSharing {

    /** The histogram of a peer's prompts from its learning them to this gateway's index. */
    static final String PEER_LAG_TIMER = "gateway_peer_prompt_lag";


    /** One configuration of the gateways. */
    record Config(String name, int replicas, boolean sharing) {
    }

    /** One workload at its arrival rate, written {@code W2:40}. */
    record WorkloadRate(Workload.Kind kind, double rate) {

        static WorkloadRate parse(String s) {
            String[] parts = s.trim().split(":");
            BenchArgs.BadArgument bad = new BenchArgs.BadArgument("--workloads takes workload:rate pairs such as "
                    + "W2:40, was '" + s + "'");
            if (parts.length != 2) {
                throw bad;
            }
            try {
                return new WorkloadRate(Workload.Kind.valueOf(parts[0]), Double.parseDouble(parts[1]));
            } catch (IllegalArgumentException e) {
                bad.initCause(e);
                throw bad;
            }
        }

        @Override
        public String toString() {
            return kind + ":" + (rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate));
        }
    }

    /** The command line {@link #run} reads. */
    public static final List<Option> OPTIONS = List.of(
            Option.value("--workloads", "LIST", "W2:40,W4:15", "workload:rate (req/s) pairs, one after the other"),
            Option.value("--replicas", "N", "4", "gateway replicas in the sharing and not-sharing configurations"),
            Option.value("--repeats", "N", "2", "repeats of the three configurations, interleaved"),
            Option.value("--profile", "NAME", "default", "the gateways' scheduler profile"),
            Option.value("--seconds", "N", "30", "seconds per stage"),
            Option.value("--time-scale", "F", "10", "the simulated pods' time scale (above 1: slower than real)"),
            Option.value("--pods", "N", "8", "simulated pods"),
            Option.value("--kv-blocks", "N", "2000", "KV-cache blocks per pod"),
            Option.value("--token-scale", "F", "0.25", "factor on the workloads' token counts"),
            Option.value("--groups", "N", null, "shared-prefix groups (default 120 for W4, 256 otherwise)"),
            Option.value("--out", "DIR", "bench/results", "where the results go"));

    private ReplicaSharing() {
    }

    public static void run(BenchArgs args) throws Exception {
        List<WorkloadRate> workloads = args.list("--workloads").stream().map(WorkloadRate::parse).toList();
        int replicas = args.integer("--replicas");
        int repeats = args.integer("--repeats");
        int seconds = args.integer("--seconds");
        double timeScale = args.decimal("--time-scale");
        int pods = args.integer("--pods");
        int blocks = args.integer("--kv-blocks");
        double tokenScale = args.decimal("--token-scale");
        String profile = args.string("--profile");
        Integer groupsOption = args.given("--groups") ? args.integer("--groups") : null;
        List<Config> configs = List.of(new Config("1 replica", 1, true),
                new Config(replicas + " sharing", replicas, true),
                new Config(replicas + " no-sharing", replicas, false));
        long seed = 42;
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "replica sharing: workloads %s, profile %s, %d pods x %d KV blocks, time scale %s, "
                        + "%d s per stage, %d repeats of: %s%n", workloads, profile, pods, blocks, timeScale, seconds, repeats,
                configs.stream().map(Config::name).toList());
        System.out.printf("%n%-4s %5s %-14s %3s %6s %5s %9s %9s %9s %7s %7s %12s %8s %5s%n", "wl", "rate", "config",
                "rep", "reqs", "errs", "ttft p50", "ttft p90", "ttft p99", "hit%", "preempt", "peer lag p99", "dec us",
                "cores");
        for (WorkloadRate w : workloads) {
            Workload.Kind kind = w.kind();
            double rate = w.rate();
            // W4's 120 groups of a 1,500-token system prompt overflow the fleet's caches (cache pressure).
            int groups = groupsOption != null ? groupsOption : kind == Workload.Kind.W4 ? 120 : 256;
            Path work = Files.createTempDirectory("sharing-");
            SimConfig sim = SimConfig.defaults().withTimeScale(timeScale).withCache(blocks);
            try (BenchPipeline pipeline = new BenchPipeline(pods, "127.0.1.40", sim, work, new BenchPipeline.Options(
                    Map.of("GATEWAY_DEFAULT_TOKENIZER", "sim"), null, List.of(), 1, true, Map.of()))) {
                pipeline.awaitRoutable(Duration.ofSeconds(60));
                // One stage of each configuration first, not reported: the JIT compiles the gateway, the
                // pods and the pipeline while it runs, and a first measured stage would pay for that alone.
                for (Config config : configs) {
                    pipeline.reset(config.replicas(),
                            Map.of("GATEWAY_PEERS_ENABLED", Boolean.toString(config.sharing())));
                    stage(pipeline, kind, tokenScale, groups, rate, Math.max(10, seconds / 3), timeScale, profile,
                            config, seed);
                }
                for (int repeat = 1; repeat <= repeats; repeat++) {
                    for (Config config : configs) {
                        pipeline.reset(config.replicas(),
                                Map.of("GATEWAY_PEERS_ENABLED", Boolean.toString(config.sharing())));
                        Map<String, Object> row = stage(pipeline, kind, tokenScale, groups, rate, seconds, timeScale,
                                profile, config, seed);
                        row.put("repeat", repeat);
                        rows.add(row);
                        System.out.printf(Locale.ROOT,
                                "%-4s %5.0f %-14s %3d %6d %5d %9.1f %9.1f %9.1f %6.1f%% %7d %12s %8.1f %5.2f%n",
                                kind, rate, config.name(), repeat, (int) row.get("requests"), (int) row.get("errors"),
                                (double) row.get("ttftP50"), (double) row.get("ttftP90"), (double) row.get("ttftP99"),
                                100 * (double) row.get("hitRate"), (long) row.get("preemptions"),
                                Double.isNaN((double) row.get("peerLagP99Ms")) ? "-" : String.format(Locale.ROOT,
                                        "%.1f ms", (double) row.get("peerLagP99Ms")), (double) row.get("decisionMeanUs"),
                                (double) row.get("cpuCores"));
                    }
                }
            }
        }
        Path out = Path.of(args.string("--out"));
        Files.createDirectories(out);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "replica-sharing");
        doc.put("at", Instant.now().toString());
        doc.put("profile", profile);
        doc.put("pods", pods);
        doc.put("kvBlocksPerPod", blocks);
        doc.put("timeScale", timeScale);
        doc.put("tokenScale", tokenScale);
        doc.put("secondsPerStage", seconds);
        doc.put("configs", "1 replica; N replicas sharing through gateway.peers; N replicas with peers.enabled=false. "
                + "Each request to a replica picked at random. Fleet and gateways restart before every stage, a warm-up "
                + "of a third of the stage (at least 5 s) at the same rate first. Before the first repeat, one shorter "
                + "unreported stage of each configuration warms the JVM.");
        doc.put("hitRate", "the pods' own prefix-cache counters over the stage");
        doc.put("cpuCores", "CPU time of the bench JVM (pods, broker, Streams, ingestor, gateways, load generator) over "
                + "the stage's wall time: 2 is this machine saturated");
        doc.put("peerLag", "gateway_peer_prompt_lag over every replica: a peer's served prompt from the peer's "
                + "learning it to this replica's prefix index (one host, one clock; interpolated in histogram buckets)");
        doc.put("rows", rows);
        Files.writeString(out.resolve("sharing.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(doc) + "\n");
        Files.writeString(out.resolve("sharing.csv"), Csv.of(rows));
        System.out.println("wrote " + out.resolve("sharing.json") + ", .csv");
    }

    /** One configuration at one rate: a warm-up, then the measured stage. */
    private static Map<String, Object> stage(BenchPipeline pipeline, Workload.Kind kind, double tokenScale, int groups,
                                             double rate, int seconds, double timeScale, String profile, Config config,
                                             long seed) {
        Map<String, String> headers = Map.of("x-gateway-scheduler-profile", profile);
        List<URI> targets = pipeline.gatewayUrls();
        LoadGenerator gen = targets.size() == 1 ? new LoadGenerator(targets.getFirst(), headers, Duration.ofMinutes(5))
                : new LoadGenerator(targets, headers, Duration.ofMinutes(5), seed);
        Workload workload = new Workload(kind, tokenScale, seed, BenchPipeline.MODEL, groups, List.of());
        gen.run(workload, rate, Duration.ofSeconds(Math.max(5, seconds / 3)), seed + 1, config.name() + " warm-up",
                Duration.ofSeconds(10));
        long[] before = pipeline.fleetCounters();
        RouterOverhead.Snapshot lagBefore = RouterOverhead.snapshot(pipeline.gatewayRegistries(), PEER_LAG_TIMER);
        RouterOverhead.Snapshot decisionsBefore = RouterOverhead.snapshot(pipeline.gatewayRegistries(),
                "gateway_decision_duration");
        long cpuBefore = cpuNanos();
        long wallBefore = System.nanoTime();
        List<RequestResult> results = gen.run(workload, rate, Duration.ofSeconds(seconds), seed + (long) rate,
                String.format(Locale.ROOT, "%s %s %.0f req/s", kind, config.name(), rate), Duration.ofSeconds(10));
        double cpuCores = (double) (cpuNanos() - cpuBefore) / (System.nanoTime() - wallBefore);
        long[] after = pipeline.fleetCounters();
        RouterOverhead lag = RouterOverhead.between(lagBefore,
                RouterOverhead.snapshot(pipeline.gatewayRegistries(), PEER_LAG_TIMER));
        RouterOverhead decisions = RouterOverhead.between(decisionsBefore,
                RouterOverhead.snapshot(pipeline.gatewayRegistries(), "gateway_decision_duration"));
        StageStats s = StageStats.of(config.name(), kind.name(), rate, seconds, timeScale, 500, 50, results);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workload", kind.name());
        row.put("rate", rate);
        row.put("config", config.name());
        row.put("replicas", config.replicas());
        row.put("sharing", config.sharing());
        row.put("requests", s.requests());
        row.put("errors", s.errors());
        row.put("ttftP50", s.ttftMs().get("p50"));
        row.put("ttftP90", s.ttftMs().get("p90"));
        row.put("ttftP99", s.ttftMs().get("p99"));
        row.put("e2eP90", s.e2eMs().get("p90"));
        row.put("hitRate", after[0] == before[0] ? 0.0 : (double) (after[1] - before[1]) / (after[0] - before[0]));
        row.put("preemptions", after[2] - before[2]);
        row.put("peerLagP50Ms", lag.p50Micros() / 1e3);
        row.put("peerLagP99Ms", lag.p99Micros() / 1e3);
        row.put("peerPrompts", lag.decisions());
        row.put("decisionMeanUs", decisions.meanMicros());
        row.put("cpuCores", cpuCores);
        return row;
    }

    /** CPU time of this JVM (every part of the pipeline runs in it), in nanoseconds. */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

}
