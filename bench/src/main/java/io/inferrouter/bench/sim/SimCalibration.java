package io.inferrouter.bench.sim;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.load.LoadGenerator;
import io.inferrouter.bench.load.RequestResult;
import io.inferrouter.bench.load.RequestSpec;
import io.inferrouter.bench.load.Text;
import io.inferrouter.bench.report.Csv;
import io.inferrouter.bench.report.Percentiles;
import io.inferrouter.bench.report.SvgChart;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
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
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

/**
 * One simulated pod at time scale 1, measured over HTTP as a client sees it: time per output token
 * with 1, 16, 64 and 256 requests decoding together (512-token prompts), and time to first token of
 * one 2,048-token prompt, next to what the step-time model predicts.
 */
public final class SimCalibration {

    private SimCalibration() {
    }

    public static void run(BenchArgs args) throws Exception {
        SimConfig cfg = SimConfig.defaults();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (SimFleet fleet = SimFleet.start(new FleetConfig(1, "127.0.1.80", 0, cfg, Map.of()))) {
            LoadGenerator gen = new LoadGenerator(URI.create(fleet.pod(0).url()), Map.of(), Duration.ofMinutes(5));
            SplittableRandom random = new SplittableRandom(7);
            System.out.printf("%n%-30s %14s %14s%n", "measurement", "measured ms", "model ms");
            for (int batch : new int[] {1, 16, 64, 256}) {
                List<RequestSpec> specs = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    specs.add(new RequestSpec(cfg.model(), "", Text.words(random, 512), 128, "b" + i));
                }
                List<RequestResult> results = new ArrayList<>();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<RequestResult>> f = new ArrayList<>();
                    for (RequestSpec s : specs) {
                        f.add(pool.submit(() -> gen.send(s, System.nanoTime())));
                    }
                    for (Future<RequestResult> r : f) {
                        results.add(r.get());
                    }
                }
                long[] itl = results.stream().flatMapToLong(r -> LongStream.of(r.itlNanos())).toArray();
                double measured = Percentiles.ofNanosAsMillis(itl).at(50);
                // Decode steps: N sequences, each reading on average its prompt plus half its output.
                double model = cfg.stepMs(batch, (long) batch * (512 + 64));
                Map<String, Object> r = row("TPOT batch " + batch, measured, model);
                r.put("batch", batch);
                rows.add(r);
                System.out.printf(Locale.ROOT, "%-30s %14.2f %14.2f%n", "TPOT (median ITL) batch " + batch, measured, model);
            }
            RequestResult prefill = gen.send(new RequestSpec(cfg.model(), "", Text.words(random, 2048), 1, "p"),
                    System.nanoTime());
            double model = cfg.frontendMs() + cfg.stepMs(2048, 2048);
            rows.add(row("TTFT 2048-token prompt", prefill.ttftNanos() / 1e6, model));
            System.out.printf(Locale.ROOT, "%-30s %14.2f %14.2f%n", "TTFT 2,048-token prompt", prefill.ttftNanos() / 1e6,
                    model);
        }
        Path out = Path.of("bench", "results");
        Files.createDirectories(out);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "sim-calibration");
        doc.put("at", Instant.now().toString());
        doc.put("timeScale", 1.0);
        doc.put("rows", rows);
        Files.writeString(out.resolve("sim-calibration.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(doc) + "\n");
        Files.writeString(out.resolve("sim-calibration.csv"), Csv.of(rows));
        SvgChart chart = new SvgChart(
                "Simulated pod: TPOT vs batch, measured and model", "batch (sequences decoding)", "TPOT (ms)", false);
        for (Map<String, Object> row : rows) {
            if (row.get("batch") instanceof Integer batch) {
                chart.point("measured", batch, (Double) row.get("measuredMs"));
                chart.point("model", batch, (Double) row.get("modelMs"));
            }
        }
        Files.writeString(out.resolve("sim-calibration.svg"), chart.render());
        System.out.println("wrote " + out.resolve("sim-calibration.json") + ", .csv, .svg");
    }

    private static Map<String, Object> row(String what, double measured, double model) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("measurement", what);
        r.put("measuredMs", measured);
        r.put("modelMs", model);
        return r;
    }
}
