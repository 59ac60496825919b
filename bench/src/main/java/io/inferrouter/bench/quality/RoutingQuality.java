package io.inferrouter.bench.quality;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.bench.load.LoadGenerator;
import io.inferrouter.bench.load.RequestResult;
import io.inferrouter.bench.load.TraceReplay;
import io.inferrouter.bench.load.Workload;
import io.inferrouter.bench.pipeline.BenchPipeline;
import io.inferrouter.bench.report.Csv;
import io.inferrouter.bench.report.SvgChart;
import io.inferrouter.bench.report.StageStats;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.traces.MalformedTraceException;
import io.inferrouter.schemas.traces.MooncakeTrace;
import io.inferrouter.schemas.traces.TraceRequest;
import io.inferrouter.sim.engine.SimConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Routing quality on a simulated fleet: the same workload, seed and fleet through the same gateway
 * code path with each scheduler profile, at a ladder of arrival rates. Fleet and gateway restart for
 * each profile so that no strategy inherits another's warm caches.
 *
 * <p>The {@value #DIRECT} profile is the baseline users know, a Kubernetes Service without the
 * gateway: the generator sends straight to the pods, each request to a pod picked uniformly at
 * random (kube-proxy's iptables mode picks a backend at random per connection).
 *
 * <p>With {@code --trace FILE} (Mooncake's format, see {@link MooncakeTrace}) it runs that trace instead
 * of a synthetic workload: one stage per profile, each request at its (scaled) timestamp with a prompt
 * built from its block ids ({@link TraceReplay}), reported like a synthetic stage whose rate is the
 * trace's mean rate.
 */
public final class RoutingQuality {

    /** Not a gateway profile: straight to the pods, as through a plain Kubernetes Service. */
    static final String DIRECT = "direct-service";

    static final String DEFAULT_PROFILES = DIRECT + ",random,round-robin,least-outstanding,queue-kv,default,ours,precise";

    /** The gateway's histogram of KV-event batches from the pod's timestamp to its index. */
    static final String KV_LAG_TIMER = "gateway_kv_event_index_lag";

    /** The profile we propose, defined in the gateway config the benchmark writes (see README). */
    static final String OURS_YAML = """
            scheduler:
              profiles:
                ours:
                  filters: ["low-queue:8"]
                  scorers:
                    prefix-cache: 4
                    queue: 2
                    kv-cache: 1
                    lora-affinity: 3
                  picker: max-score
            """;

    static final String STAGE_COLUMNS = "profile,rate,requests,errors,ttftP50,ttftP90,ttftP99,itlP50,tpotP90,e2eP90,"
            + "outputTokensPerSecond,goodputPerSecond,prefixHitRate,preemptions,lagP99Ms,tpotP50,tpotP99,"
            + "normalizedPerTokenP50,normalizedPerTokenP90,normalizedPerTokenP99,decisions,decisionMeanUs,"
            + "decisionP50Us,decisionP99Us,gateways,kvEventsPerSecond,kvBatchesPerSecond,kvIndexLagP50Ms,"
            + "kvIndexLagP99Ms";

    static final String REQUEST_COLUMNS = "profile,rate,startOffsetMs,status,ttftMs,e2eMs,outputTokens,itlMeanMs,"
            + "endpoint,group,lagMs,error";

    /** The command line {@link #run} reads. */
    public static final List<Option> OPTIONS = List.of(
            Option.flag(BenchArgs.QUICK, "shorter defaults for a first look"),
            Option.value("--workload", "W", "W2", "the workload of BENCHMARKS.md, W1-W7"),
            Option.value("--rates", "LIST", "10,25,40", "arrival rates, req/s, one stage each").quick("10,30"),
            Option.value("--profiles", "LIST", DEFAULT_PROFILES, "scheduler profiles, each on a fresh fleet"),
            Option.value("--seconds", "N", "20", "seconds per stage").quick("10"),
            Option.value("--time-scale", "F", "1.0", "the simulated pods' time scale (below 1: faster than real)"),
            Option.value("--pods", "N", "8", "simulated pods"),
            Option.value("--kv-blocks", "N", "2000", "KV-cache blocks per pod"),
            Option.value("--token-scale", "F", "0.25", "factor on the workload's token counts"),
            Option.value("--groups", "N", "256", "shared-prefix groups (sessions for W5)"),
            Option.value("--adapters", "N", "16", "W6: LoRA adapters, each an InferenceModel of its own"),
            Option.value("--max-loras", "N", "4", "W6: LoRA slots per pod"),
            Option.value("--gateways", "N", "1", "gateway replicas, each request to one picked at random"),
            Option.flag("--no-sharing", "the gateway replicas neither publish nor apply what they learn"),
            Option.flag("--no-kv-events", "the pods publish no KV events and the ingestor follows none"),
            Option.value("--progress-seconds", "N", "5", "progress line every N seconds on stderr (0: none)"),
            Option.value("--out", "DIR", "bench/results", "where the results go"),
            Option.value("--trace", "FILE", "", "run this trace (Mooncake's JSON lines) instead of --workload: one "
                    + "stage per profile at the trace's times"),
            Option.value("--trace-speed", "F", "1", "with --trace: send F times faster than recorded"),
            Option.value("--trace-limit", "N", "0", "with --trace: only its first N requests (0: all)"),
            Option.value("--trace-block-tokens", "N", Integer.toString(MooncakeTrace.BLOCK_TOKENS),
                    "with --trace: tokens per block that one of its hash_ids names"),
            Option.value("--trace-token-scale", "F", "1", "with --trace: factor on every block, prompt and answer "
                    + "length"));

    /** Options that only a trace takes. */
    static final List<String> TRACE_ONLY = List.of("--trace-speed", "--trace-limit", "--trace-block-tokens",
            "--trace-token-scale");

    /** Options of the synthetic workloads, which a trace replaces with its own requests and times. */
    static final List<String> WORKLOAD_ONLY = List.of("--workload", "--rates", "--seconds", "--token-scale", "--groups",
            "--adapters", "--max-loras");

    /**
     * A trace to run instead of a synthetic workload.
     *
     * @param file     where it was read from
     * @param inFile   requests in the file, before {@code --trace-limit}
     * @param replay   the requests run, scaled
     */
    record TraceRun(Path file, int inFile, TraceReplay replay, double speed, double tokenScale, int blockTokens) {

        /** The file's name without its extension, for the result files' names. */
        String name() {
            String n = file.getFileName().toString();
            int dot = n.lastIndexOf('.');
            return (dot > 0 ? n.substring(0, dot) : n).replaceAll("[^A-Za-z0-9._-]", "_");
        }

        /** The seconds a stage's throughput is counted over: the replayed span, or {@code measured} if none. */
        double stageSeconds(double measured) {
            return replay.spanSeconds() > 0 ? replay.spanSeconds() : measured;
        }

        /** One line for the run's header. */
        String summary() {
            return String.format(Locale.ROOT, "trace %s (%d of its %d requests, speed %s, token scale %s, %d-token "
                    + "blocks: %.1f s, mean %.2f req/s)", file, replay.size(), inFile, speed, tokenScale, blockTokens,
                    replay.spanSeconds(), replay.meanRate());
        }

        /** Requests whose prompt and answer cannot fit one of the simulated pods. */
        int tooLong(SimConfig sim) {
            int n = 0;
            for (int i = 0; i < replay.size(); i++) {
                long tokens = (long) replay.inputTokens(i) + replay.outputTokens(i);
                long kvBlocks = (tokens + sim.blockSize() - 1) / sim.blockSize();
                if (tokens > sim.maxModelLen() || kvBlocks > sim.numGpuBlocks()) {
                    n++;
                }
            }
            return n;
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.put("format", "mooncake");
            m.put("requestsInFile", inFile);
            m.put("requests", replay.size());
            m.put("speed", speed);
            m.put("tokenScale", tokenScale);
            m.put("blockTokens", blockTokens);
            m.put("spanSeconds", replay.spanSeconds());
            m.put("meanRate", replay.meanRate());
            m.put("prompts", "each hash id expands to its own words (one simulated token each); the pods' chat "
                    + "template's tokens count as the start of block 0, so a pod counts input_length prompt tokens");
            return m;
        }
    }

    private RoutingQuality() {
    }

    public static void run(BenchArgs args) throws Exception {
        TraceRun trace = trace(args);
        Workload.Kind kind = args.choice("--workload", Workload.Kind.class);
        double timeScale = args.decimal("--time-scale");
        int pods = args.integer("--pods");
        int seconds = args.integer("--seconds");
        double scale = args.decimal("--token-scale");
        int blocks = args.integer("--kv-blocks");
        int groups = args.integer("--groups");
        Duration progressEvery = Duration.ofSeconds(args.integer("--progress-seconds"));
        List<Double> rates = trace == null ? args.decimals("--rates") : List.of(trace.replay().meanRate());
        List<String> profiles = args.list("--profiles");
        int gateways = args.integer("--gateways");
        boolean kvEvents = !args.flag("--no-kv-events");
        boolean sharing = !args.flag("--no-sharing");
        long seed = 42;
        Path work = Files.createTempDirectory("quality-");
        Path gatewayYaml = work.resolve("gateway.yaml");
        Files.writeString(gatewayYaml, OURS_YAML);
        SimConfig sim = SimConfig.defaults().withTimeScale(timeScale).withCache(blocks);
        // W6: more adapters than the pods' LoRA slots, each served as an InferenceModel of its own name.
        int adapterCount = args.integer("--adapters");
        int loraSlots = args.integer("--max-loras");
        List<String> adapters = kind == Workload.Kind.W6
                ? java.util.stream.IntStream.range(0, adapterCount).mapToObj(i -> "lora-" + i).toList() : List.of();
        if (!adapters.isEmpty()) {
            sim = sim.withAdapters(adapters, loraSlots);
        }
        String workloadName = trace == null ? kind.name() : "trace";
        String title = trace == null ? kind.name() : "trace " + trace.name();
        String replicas = gateways + " gateway replica(s)" + (gateways > 1 && !sharing ? " not sharing" : "");
        if (trace == null) {
            System.out.printf(Locale.ROOT, "routing quality: workload %s (token scale %s, %d groups), %d pods x %d KV "
                    + "blocks, time scale %s, rates %s req/s, %d s per stage, %s%n", kind, scale, groups, pods, blocks,
                    timeScale, rates, seconds, replicas);
        } else {
            System.out.printf(Locale.ROOT, "routing quality: %s, %d pods x %d KV blocks, time scale %s, %s%n",
                    trace.summary(), pods, blocks, timeScale, replicas);
            int tooLong = trace.tooLong(sim);
            if (tooLong > 0) {
                System.out.printf(Locale.ROOT, "warning: %d of the trace's requests need more than a pod holds (%d "
                        + "tokens, %d KV blocks of %d); they will fail (--trace-token-scale shrinks them, --kv-blocks "
                        + "grows the cache)%n", tooLong, sim.maxModelLen(), sim.numGpuBlocks(), sim.blockSize());
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder requests = new StringBuilder(REQUEST_COLUMNS).append('\n');
        SvgChart ttft = new SvgChart("TTFT p90 vs rate, " + title, "arrival rate (req/s)", "TTFT p90 (ms)", true);
        SvgChart hits = new SvgChart("Prefix-cache hit rate vs rate, " + title, "arrival rate (req/s)", "hit rate",
                false);
        // The simulated pods' tokenizer, so that the precise prefix scorer can hash prompts as they do.
        Map<String, String> gatewayEnv = Map.of("GATEWAY_DEFAULT_TOKENIZER", "sim",
                "GATEWAY_PEERS_ENABLED", Boolean.toString(sharing));
        try (BenchPipeline pipeline = new BenchPipeline(pods, "127.0.1.40", sim, work, new BenchPipeline.Options(
                gatewayEnv, gatewayYaml, adapters, gateways, kvEvents, Map.of()))) {
            pipeline.awaitRoutable(Duration.ofSeconds(60));
            System.out.printf("%n%-18s %6s %8s %9s %9s %9s %8s %8s %9s %9s %8s %7s %6s %7s %7s %7s%n", "profile", "rate", "reqs",
                    "ttft p50", "ttft p90", "ttft p99", "itl p50", "tpot p90", "ntpot p90", "e2e p90", "tok/s", "hit%",
                    "errs", "dec us", "ev/s", "lag p99");
            for (String profile : profiles) {
                pipeline.reset();
                boolean direct = profile.equals(DIRECT);
                // Several gateway replicas: each request to one picked at random, as behind a load balancer.
                LoadGenerator gen = direct
                        ? new LoadGenerator(pipeline.podUrls(), Map.of(), Duration.ofMinutes(5), seed)
                        : gateways > 1
                        ? new LoadGenerator(pipeline.gatewayUrls(), Map.of("x-gateway-scheduler-profile", profile),
                                Duration.ofMinutes(5), seed)
                        : new LoadGenerator(URI.create(pipeline.gatewayUrl()),
                                Map.of("x-gateway-scheduler-profile", profile), Duration.ofMinutes(5));
                // A trace runs from its own cold start, as it was recorded: no warm-up stage.
                Workload workload = trace == null
                        ? new Workload(kind, scale, seed, BenchPipeline.MODEL, groups, adapters) : null;
                if (trace == null) {
                    gen.run(workload, rates.get(0), Duration.ofSeconds(Math.max(3, seconds / 3)), seed + 1,
                            profile + " warm-up", progressEvery);
                }
                for (double rate : rates) {
                    long[] before = pipeline.fleetCounters();
                    RouterOverhead.Snapshot decisionsBefore = RouterOverhead.snapshot(pipeline.gatewayRegistries(),
                            RouterOverhead.TIMER);
                    RouterOverhead.Snapshot lagBefore = RouterOverhead.snapshot(pipeline.gatewayRegistries(),
                            KV_LAG_TIMER);
                    double[] kvBefore = kvCounters(pipeline);
                    long stageStart = System.nanoTime();
                    List<RequestResult> results = trace == null
                            ? gen.run(workload, rate, Duration.ofSeconds(seconds), seed + (long) rate,
                                    String.format(Locale.ROOT, "%s %.0f req/s", profile, rate), progressEvery)
                            : gen.run(trace.replay(), profile + " trace", progressEvery);
                    long[] after = pipeline.fleetCounters();
                    double stageSeconds = (System.nanoTime() - stageStart) / 1e9;
                    double[] kvAfter = kvCounters(pipeline);
                    RouterOverhead overhead = RouterOverhead.between(decisionsBefore,
                            RouterOverhead.snapshot(pipeline.gatewayRegistries(), RouterOverhead.TIMER));
                    RouterOverhead lag = RouterOverhead.between(lagBefore,
                            RouterOverhead.snapshot(pipeline.gatewayRegistries(), KV_LAG_TIMER));
                    StageStats s = StageStats.of(profile, workloadName, rate,
                            trace == null ? seconds : trace.stageSeconds(stageSeconds), timeScale, 500, 50, results);
                    double hitRate = after[0] == before[0] ? 0 : (double) (after[1] - before[1]) / (after[0] - before[0]);
                    Map<String, Object> row = new LinkedHashMap<>(Json.mapper().convertValue(s, Map.class));
                    row.put("prefixHitRate", hitRate);
                    row.put("preemptions", after[2] - before[2]);
                    row.put("routerOverhead", direct ? null : overhead);
                    row.put("gateways", gateways);
                    row.put("kvEventsPerSecond", (kvAfter[1] - kvBefore[1]) / stageSeconds);
                    row.put("kvBatchesPerSecond", (kvAfter[0] - kvBefore[0]) / stageSeconds);
                    row.put("kvIndexLagP50Ms", lag.p50Micros() / 1e3);
                    row.put("kvIndexLagP99Ms", lag.p99Micros() / 1e3);
                    rows.add(row);
                    results.stream().sorted(Comparator.comparingLong(RequestResult::offsetNanos))
                            .forEach(r -> requests.append(requestLine(profile, rate, r)).append('\n'));
                    ttft.point(profile, rate, s.ttftMs().get("p90"));
                    hits.point(profile, rate, hitRate);
                    System.out.printf(Locale.ROOT,
                            "%-18s %6.1f %8d %9.1f %9.1f %9.1f %8.2f %8.2f %9.2f %9.1f %8.0f %6.1f%% %6d %7s %7.0f %7.1f%n",
                            profile, rate, s.requests(), s.ttftMs().get("p50"), s.ttftMs().get("p90"),
                            s.ttftMs().get("p99"), s.itlMs().get("p50"), s.tpotMs().get("p90"),
                            s.normalizedMsPerToken().get("p90"), s.e2eMs().get("p90"), s.outputTokensPerSecond(),
                            100 * hitRate, s.errors(), direct || overhead.decisions() == 0 ? "-"
                                    : String.format(Locale.ROOT, "%.1f", overhead.meanMicros()),
                            (double) row.get("kvEventsPerSecond"), lag.p99Micros() / 1e3);
                }
            }
        }
        Path out = Path.of(args.string("--out"));
        Files.createDirectories(out);
        String name = "quality-" + (trace == null ? kind.name().toLowerCase(Locale.ROOT) : "trace-" + trace.name())
                + (gateways > 1 ? "-" + gateways + "gw" : "")
                + (kvEvents ? "" : "-no-kv-events") + (sharing ? "" : "-no-sharing");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "routing-quality");
        doc.put("workload", workloadName);
        doc.put("at", Instant.now().toString());
        doc.put("pods", pods);
        doc.put("gateways", gateways);
        doc.put("kvEventsPublished", kvEvents);
        doc.put("replicasShare", sharing);
        doc.put("kvEvents", "every pod publishes vLLM's KV events; the ingestor relays them to kv.events; "
                + "kvEventsPerSecond/kvBatchesPerSecond are the ingestor's counters over the stage, kvIndexLag the "
                + "gateways' gateway_kv_event_index_lag (pod batch timestamp to index, one host's clock; "
                + "interpolated in histogram buckets)");
        doc.put("kvBlocksPerPod", blocks);
        doc.put("timeScale", timeScale);
        if (trace == null) {
            doc.put("tokenScale", scale);
            doc.put("groups", groups);
            doc.put("secondsPerStage", seconds);
        } else {
            doc.put("trace", trace.describe());
        }
        doc.put("slo", "TTFT <= 500 ms and TPOT <= 50 ms, in model time");
        doc.put("directService", "straight to the pods without the gateway, a uniformly random pod per request");
        doc.put("routerOverhead", "the gateway's scheduler decision time per stage (gateway_decision_duration; "
                + "percentiles interpolated in its histogram buckets)");
        doc.put("oursProfile", OURS_YAML);
        doc.put("rows", rows);
        Files.writeString(out.resolve(name + ".json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc)
                + "\n");
        StringBuilder csv = new StringBuilder(STAGE_COLUMNS).append('\n');
        rows.forEach(r -> csv.append(stageLine(r)).append('\n'));
        Files.writeString(out.resolve(name + ".csv"), csv.toString());
        Files.writeString(out.resolve(name + "-requests.csv"), requests.toString());
        Files.writeString(out.resolve(name + "-ttft.svg"), ttft.render());
        Files.writeString(out.resolve(name + "-hits.svg"), hits.render());
        System.out.println("wrote " + out.resolve(name + ".json") + ", .csv, -requests.csv, -ttft.svg, -hits.svg");
    }

    /**
     * The trace {@code --trace} names, cut and scaled as the trace options say; null without {@code --trace}.
     *
     * @throws BenchArgs.BadArgument for a trace option without {@code --trace}, a workload option with it, a
     *                               bad value, or a file that is missing, empty or not in the format
     */
    static TraceRun trace(BenchArgs args) throws IOException {
        String file = args.string("--trace");
        if (file.isBlank()) {
            for (String o : TRACE_ONLY) {
                if (args.given(o)) {
                    throw new BenchArgs.BadArgument(o + " needs --trace FILE");
                }
            }
            return null;
        }
        for (String o : WORKLOAD_ONLY) {
            if (args.given(o)) {
                throw new BenchArgs.BadArgument(o + " does not apply to --trace, which brings its own requests and "
                        + "times (--trace-speed, --trace-limit and --trace-token-scale scale them)");
            }
        }
        double speed = args.decimal("--trace-speed");
        double tokenScale = args.decimal("--trace-token-scale");
        int limit = args.integer("--trace-limit");
        int blockTokens = args.integer("--trace-block-tokens");
        if (!(speed > 0) || !(tokenScale > 0) || limit < 0 || blockTokens < 1) {
            throw new BenchArgs.BadArgument("--trace-speed and --trace-token-scale must be > 0, --trace-limit >= 0 "
                    + "and --trace-block-tokens >= 1; were " + speed + ", " + tokenScale + ", " + limit + ", "
                    + blockTokens);
        }
        Path path = Path.of(file);
        List<TraceRequest> all;
        try {
            all = MooncakeTrace.read(path, blockTokens);
        } catch (NoSuchFileException e) {
            throw new BenchArgs.BadArgument("--trace: no such file " + path);
        } catch (MalformedTraceException e) {
            throw new BenchArgs.BadArgument("--trace: " + e.getMessage());
        }
        if (all.isEmpty()) {
            throw new BenchArgs.BadArgument("--trace: " + path + " has no requests");
        }
        List<TraceRequest> run = limit == 0 ? all : all.subList(0, Math.min(limit, all.size()));
        return new TraceRun(path, all.size(), new TraceReplay(run, speed, tokenScale, BenchPipeline.MODEL), speed,
                tokenScale, blockTokens);
    }

    /** One stage row of the CSV, in {@link #STAGE_COLUMNS} order. */
    @SuppressWarnings("unchecked")
    static String stageLine(Map<String, Object> r) {
        Map<String, Double> t = (Map<String, Double>) r.get("ttftMs");
        Map<String, Double> i = (Map<String, Double>) r.get("itlMs");
        Map<String, Double> p = (Map<String, Double>) r.get("tpotMs");
        Map<String, Double> n = (Map<String, Double>) r.get("normalizedMsPerToken");
        Map<String, Double> e = (Map<String, Double>) r.get("e2eMs");
        RouterOverhead o = (RouterOverhead) r.get("routerOverhead");
        List<Object> cells = new ArrayList<>(List.of(r.get("strategy"), r.get("rate"), r.get("requests"),
                r.get("errors"), t.get("p50"), t.get("p90"), t.get("p99"), i.get("p50"), p.get("p90"), e.get("p90"),
                r.get("outputTokensPerSecond"), r.get("goodputPerSecond"), r.get("prefixHitRate"),
                r.get("preemptions"), r.get("lagP99Ms"), p.get("p50"), p.get("p99"), n.get("p50"), n.get("p90"),
                n.get("p99")));
        if (o == null) {
            cells.addAll(Collections.nCopies(4, ""));
        } else {
            cells.addAll(List.of(o.decisions(), o.meanMicros(), o.p50Micros(), o.p99Micros()));
        }
        cells.addAll(Arrays.asList(r.get("gateways"), r.get("kvEventsPerSecond"), r.get("kvBatchesPerSecond"),
                r.get("kvIndexLagP50Ms"), r.get("kvIndexLagP99Ms")));
        return String.join(",", cells.stream().map(Csv::cell).toList());
    }

    /** One request of the per-request CSV, in {@link #REQUEST_COLUMNS} order; latencies in ms, empty when none. */
    static String requestLine(String profile, double rate, RequestResult r) {
        return String.join(",", Csv.cell(profile), Csv.cell(rate), ms(r.offsetNanos()), Csv.cell(r.status()),
                r.ttftNanos() < 0 ? "" : ms(r.ttftNanos()), ms(r.e2eNanos()), Csv.cell(r.outputTokens()),
                r.itlMeanNanos() < 0 ? "" : ms(r.itlMeanNanos()), Csv.cell(r.endpoint()), Csv.cell(r.group()),
                ms(r.lagNanos()), Csv.cell(r.error()));
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    /** state-ingestor's KV-event batches and events applied so far. */
    private static double[] kvCounters(BenchPipeline pipeline) {
        var r = pipeline.ingestorRegistry();
        var batches = r.find("ingestor_kv_batches").counter();
        var events = r.find("ingestor_kv_events").counter();
        return new double[] {batches == null ? 0 : batches.count(), events == null ? 0 : events.count()};
    }

}
