package io.inferrouter.bench.whatif;

import io.inferrouter.admin.decisions.DecisionFilter;
import io.inferrouter.admin.decisions.DecisionWindow;
import io.inferrouter.admin.decisions.LoggedDecision;
import io.inferrouter.admin.whatif.FleetShape;
import io.inferrouter.admin.whatif.LatencySummary;
import io.inferrouter.admin.whatif.ReplayResult;
import io.inferrouter.admin.whatif.ReplaySetup;
import io.inferrouter.admin.whatif.WhatIf;
import io.inferrouter.admin.whatif.WhatIfCommand;
import io.inferrouter.admin.whatif.WhatIfJson;
import io.inferrouter.admin.whatif.WhatIfPlot;
import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.load.LoadGenerator;
import io.inferrouter.bench.load.RequestResult;
import io.inferrouter.bench.load.Workload;
import io.inferrouter.bench.pipeline.BenchPipeline;
import io.inferrouter.schemas.decisions.RoutingDecision;
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
 * Calibrates the what-if replay: a window recorded from the real pipeline (simulated pods in real
 * time, state-ingestor, Kafka, routing-stream, the gateway with its decision log) is read back from
 * the decisions topic, re-decided (the determinism check) and replayed in virtual time with the
 * profile that recorded it, on a fleet of the same shape; the replay's TTFT p50/p90 against the
 * recorded ones is the calibration error. Also reports the replay's speed.
 */
public final class WhatIfCalibration {

    public static final List<BenchArgs.Option> OPTIONS = List.of(
            BenchArgs.Option.flag(BenchArgs.QUICK, "shorter defaults for a first look"),
            BenchArgs.Option.value("--workload", "W", "W2", "the workload of BENCHMARKS.md, W1-W7"),
            BenchArgs.Option.value("--rate", "R", "20", "arrival rate, req/s").quick("10"),
            BenchArgs.Option.value("--seconds", "N", "60", "seconds recorded").quick("20"),
            BenchArgs.Option.value("--profile", "NAME", "default", "the profile that records and is replayed"),
            BenchArgs.Option.value("--pods", "N", "8", "simulated pods"),
            BenchArgs.Option.value("--kv-blocks", "N", "2000", "KV-cache blocks per pod"),
            BenchArgs.Option.value("--token-scale", "F", "0.25", "factor on the workload's token counts"),
            BenchArgs.Option.value("--groups", "N", "256", "shared-prefix groups"),
            BenchArgs.Option.value("--time-scale", "F", "1.0", "the simulated pods' time scale"),
            BenchArgs.Option.value("--out", "DIR", "bench/results", "where the results go"));

    private WhatIfCalibration() {
    }

    public static void run(BenchArgs args) throws Exception {
        Workload.Kind kind = args.choice("--workload", Workload.Kind.class);
        double rate = args.decimal("--rate");
        int seconds = args.integer("--seconds");
        String profile = args.string("--profile");
        int pods = args.integer("--pods");
        SimConfig sim = SimConfig.defaults().withCache(args.integer("--kv-blocks"))
                .withTimeScale(args.decimal("--time-scale"));
        Path out = Path.of(args.string("--out"));
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("whatif-calibration");
        Map<String, String> gatewayEnv = Map.of("GATEWAY_DEFAULT_TOKENIZER", "sim", "GATEWAY_DECISIONS_ENABLED", "true",
                "GATEWAY_DECISIONS_MAX_CANDIDATES", Integer.toString(Math.max(32, pods)));
        System.out.printf(Locale.ROOT, "what-if calibration: %s at %.0f req/s for %d s, profile %s, %d pods x %d KV"
                + " blocks, time scale %s%n", kind, rate, seconds, profile, pods, sim.numGpuBlocks(), sim.timeScale());
        try (BenchPipeline pipeline = new BenchPipeline(pods, "127.0.1.60", sim, work,
                BenchPipeline.Options.of(gatewayEnv, null, List.of()))) {
            pipeline.awaitRoutable(Duration.ofSeconds(60));
            Workload workload = new Workload(kind, args.decimal("--token-scale"), 42, BenchPipeline.MODEL,
                    args.integer("--groups"), List.of());
            // A warm-up on another seed, so that the recording is not of a cold JIT; then a fresh fleet and
            // gateway (empty caches, as the replay's), and the window starts.
            new LoadGenerator(URI.create(pipeline.gatewayUrl()), Map.of("x-gateway-scheduler-profile", profile),
                    Duration.ofMinutes(5)).run(workload, rate, Duration.ofSeconds(Math.max(5, seconds / 3)), 7,
                    "warm-up", Duration.ofSeconds(10));
            pipeline.reset();
            LoadGenerator gen = new LoadGenerator(URI.create(pipeline.gatewayUrl()),
                    Map.of("x-gateway-scheduler-profile", profile), Duration.ofMinutes(5));
            long[] before = pipeline.fleetCounters();
            double[] engineBefore = engineTtft(pipeline.podUrls());
            Instant from = Instant.now().minusSeconds(1);
            List<RequestResult> results = gen.run(workload, rate, Duration.ofSeconds(seconds), 43,
                    "recording " + profile, Duration.ofSeconds(10));
            long ok = results.stream().filter(r -> r.error() == null).count();
            long[] after = pipeline.fleetCounters();
            double[] engineAfter = engineTtft(pipeline.podUrls());
            double engineMeanMs = 1000 * (engineAfter[0] - engineBefore[0]) / Math.max(1, engineAfter[1] - engineBefore[1]);
            double recordedHits = after[0] == before[0] ? 0 : (double) (after[1] - before[1]) / (after[0] - before[0]);
            List<RoutingDecision> decisions = readBack(pipeline.bootstrapServers(), from, ok);
            System.out.printf(Locale.ROOT, "recorded %d requests (%d answered), read back %d decisions%n",
                    results.size(), ok, decisions.size());

            WhatIf.Arrivals arrivals = WhatIf.arrivals(decisions);
            WhatIf.Redecision redecision = WhatIf.redecide(decisions, pipeline.gatewayConfig(0), List.of());
            System.out.printf(Locale.ROOT, "determinism: %d of %d reproduced (%.2f%%), %d different, skipped %s%n",
                    redecision.same(), redecision.same() + redecision.different(), 100 * redecision.reproduced(),
                    redecision.different(), redecision.skipped());
            ReplaySetup setup = ReplaySetup.of(new FleetShape(pods, sim), pipeline.gatewayConfig(0));
            WhatIf.Report report = WhatIf.replay(redecision, arrivals, setup, List.of(profile));
            ReplayResult replayed = report.replays().get(0);
            LatencySummary recorded = report.recordedTtftMs();
            double errP50 = replayed.ttftMs().p50() / recorded.p50() - 1;
            double errP90 = replayed.ttftMs().p90() / recorded.p90() - 1;
            System.out.printf(Locale.ROOT, "%n%-10s %8s %9s %9s %9s %7s%n", "", "requests", "TTFT p50", "TTFT p90",
                    "TTFT p99", "hits");
            System.out.printf(Locale.ROOT, "%-10s %8d %9.1f %9.1f %9.1f %6.1f%%%n", "recorded", recorded.count(),
                    recorded.p50(), recorded.p90(), recorded.p99(), 100 * recordedHits);
            System.out.printf(Locale.ROOT, "%-10s %8d %9.1f %9.1f %9.1f %6.1f%%%n", "replayed", replayed.measured(),
                    replayed.ttftMs().p50(), replayed.ttftMs().p90(), replayed.ttftMs().p99(),
                    100 * replayed.prefixHitRate());
            System.out.printf(Locale.ROOT, "mean TTFT: recorded by the gateway %.1f ms, the pods' engines' own %.1f ms"
                    + " (from arrival at the engine), replayed %.1f ms%n", recorded.mean(), engineMeanMs,
                    replayed.ttftMs().mean());
            System.out.printf(Locale.ROOT, "calibration error: TTFT p50 %+.1f%%, p90 %+.1f%%; replay %.1f virtual s in"
                    + " %.2f wall s (%.0fx)%n", 100 * errP50, 100 * errP90, replayed.virtualSeconds(),
                    replayed.wallSeconds(), replayed.speed());

            Map<String, Object> json = new LinkedHashMap<>();
            json.put("workload", kind.name());
            json.put("rate", rate);
            json.put("seconds", seconds);
            json.put("profile", profile);
            json.put("pods", pods);
            json.put("kvBlocks", sim.numGpuBlocks());
            json.put("timeScale", sim.timeScale());
            json.put("requests", results.size());
            json.put("decisionsReadBack", decisions.size());
            json.put("recordedPrefixHitRate", recordedHits);
            json.put("recordedTtftMeanMs", recorded.mean());
            json.put("engineTtftMeanMs", engineMeanMs);
            json.put("replayedTtftMeanMs", replayed.ttftMs().mean());
            json.put("calibrationErrorP50", errP50);
            json.put("calibrationErrorP90", errP90);
            json.put("report", WhatIfJson.of(report));
            String name = "whatif-calibration-" + kind.name().toLowerCase(Locale.ROOT) + "-" + profile + "-"
                    + (int) rate + "-ts" + (sim.timeScale() == Math.rint(sim.timeScale())
                    ? String.valueOf((int) sim.timeScale()) : String.valueOf(sim.timeScale()));
            Files.write(out.resolve(name + ".json"), Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(json));
            Files.writeString(out.resolve(name + ".svg"), WhatIfPlot.ttftCdf(report));
            System.out.println("wrote " + out.resolve(name + ".json") + " and " + out.resolve(name + ".svg"));
        }
    }

    /** The decisions logged since {@code from}: waits (up to 30 s) until as many as answered requests are there. */
    private static List<RoutingDecision> readBack(String bootstrap, Instant from, long expected) throws Exception {
        DecisionWindow window = WhatIfCommand.reader(bootstrap, 1_000_000);
        List<RoutingDecision> found = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            found = window.read(from, Instant.now().plusSeconds(1), DecisionFilter.of(Map.of())).decisions().stream()
                    .map(LoggedDecision::decision).toList();
            if (found.size() >= expected) {
                break;
            }
            Thread.sleep(500);
        }
        return found;
    }

    /** The pods' own TTFT histogram summed over the fleet: {sum seconds, count}. */
    private static double[] engineTtft(List<URI> pods) throws Exception {
        double[] out = new double[2];
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            for (URI pod : pods) {
                String text = http.send(java.net.http.HttpRequest.newBuilder(pod.resolve("/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                for (String line : text.split("\n")) {
                    if (line.startsWith("vllm:time_to_first_token_seconds_sum")) {
                        out[0] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    } else if (line.startsWith("vllm:time_to_first_token_seconds_count")) {
                        out[1] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            }
        }
        return out;
    }
}
