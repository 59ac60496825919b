package io.inferrouter.bench.decision;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.bench.report.Csv;
import io.inferrouter.bench.report.SvgChart;
import io.inferrouter.schemas.serde.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs {@link DecisionTimeBenchmark} and {@link PromptHashingBenchmark} with JMH, prints their tables
 * and writes JSON to bench/results. {@code --tokenizer-json PATH} names a real tokenizer.json for the
 * Hugging Face rows (the small test one otherwise).
 */
public final class DecisionTime {

    /** The command line {@link #run} reads. */
    public static final List<Option> OPTIONS = List.of(
            Option.flag(BenchArgs.QUICK, "1 warm-up and 2 measured iterations of 1 s (3 of 2 s and 5 of 3 s otherwise)"),
            Option.value("--tokenizer-json", "PATH", "", "a real tokenizer.json for the Hugging Face rows (default: "
                    + "the small test one)"));

    private DecisionTime() {
    }

    public static void run(BenchArgs args) throws Exception {
        boolean quick = args.flag(BenchArgs.QUICK);
        String tokenizerJson = args.string("--tokenizer-json");
        Options options = new OptionsBuilder()
                .include(DecisionTimeBenchmark.class.getSimpleName())
                .include(PromptHashingBenchmark.class.getSimpleName())
                .param("tokenizerJson", tokenizerJson)
                .forks(1)
                .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(quick ? 1 : 3))
                .threads(1)
                .jvmArgsAppend("-Xms512m", "-Xmx512m")
                .build();
        Collection<RunResult> all = new Runner(options).run();
        List<RunResult> results = all.stream().filter(r -> r.getParams().getParam("endpoints") != null).toList();
        List<RunResult> hashing = all.stream().filter(r -> r.getParams().getParam("endpoints") == null).toList();
        List<Map<String, Object>> rows = new ArrayList<>();
        // decide: the scheduler alone; decideAndRecord: with the decision record's work on the request thread;
        // serializeRecord: the record to JSON, on the decision log's thread.
        System.out.printf("%n%-16s %-10s %10s %10s %10s %10s %8s%n", "step", "endpoints", "mean us", "p50 us", "p99 us",
                "p99.9 us", "n");
        for (RunResult r : results) {
            Statistics s = r.getPrimaryResult().getStatistics();
            String endpoints = r.getParams().getParam("endpoints");
            String step = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            System.out.printf("%-16s %-10s %10.2f %10.2f %10.2f %10.2f %8d%n", step, endpoints, s.getMean(),
                    s.getPercentile(50), s.getPercentile(99), s.getPercentile(99.9), s.getN());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", step);
            row.put("endpoints", Integer.parseInt(endpoints));
            row.put("promptChars", Integer.parseInt(r.getParams().getParam("promptChars")));
            row.put("meanMicros", s.getMean());
            row.put("p50Micros", s.getPercentile(50));
            row.put("p99Micros", s.getPercentile(99));
            row.put("p999Micros", s.getPercentile(99.9));
            row.put("samples", s.getN());
            rows.add(row);
        }
        List<Map<String, Object>> hashingRows = new ArrayList<>();
        System.out.printf("%n8,192-token prompt (precise prefix scorer), tokenizer.json: %s%n",
                tokenizerJson.isEmpty() ? PromptHashingBenchmark.TEST_TOKENIZER : tokenizerJson);
        System.out.printf("%-16s %-10s %10s %10s %10s %8s%n", "step", "tokenizer", "mean us", "p50 us", "p99 us", "n");
        for (RunResult r : hashing) {
            Statistics s = r.getPrimaryResult().getStatistics();
            String step = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            String tokenizer = r.getParams().getParam("tokenizer");
            System.out.printf("%-16s %-10s %10.1f %10.1f %10.1f %8d%n", step, tokenizer, s.getMean(),
                    s.getPercentile(50), s.getPercentile(99), s.getN());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", step);
            row.put("tokenizer", tokenizer);
            row.put("meanMicros", s.getMean());
            row.put("p50Micros", s.getPercentile(50));
            row.put("p99Micros", s.getPercentile(99));
            row.put("samples", s.getN());
            hashingRows.add(row);
        }
        Path dir = Path.of("bench", "results");
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "decision-time");
        doc.put("profile", "default (queue 2, kv-cache 2, prefix-cache 3, max-score)");
        doc.put("at", Instant.now().toString());
        doc.put("quick", quick);
        doc.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.version"));
        doc.put("rows", rows);
        doc.put("preciseTokenizerJson",
                tokenizerJson.isEmpty() ? PromptHashingBenchmark.TEST_TOKENIZER : tokenizerJson);
        doc.put("precisePrompt8192Tokens", hashingRows);
        Path out = dir.resolve("decision-time.json");
        Files.writeString(out, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        Files.writeString(dir.resolve("decision-time.csv"), Csv.of(rows));
        SvgChart chart = new SvgChart(
                "Scheduler decision time vs pool size", "endpoints in the pool", "decision time (us)", true);
        for (Map<String, Object> row : rows) {
            int endpoints = (Integer) row.get("endpoints");
            String step = (String) row.get("step");
            if (step.equals("serializeRecord")) {
                continue;
            }
            String series = step.equals("decide") ? "" : " with record";
            chart.point("p50" + series, endpoints, (Double) row.get("p50Micros"));
            chart.point("p99" + series, endpoints, (Double) row.get("p99Micros"));
        }
        Files.writeString(dir.resolve("decision-time.svg"), chart.render());
        System.out.println("wrote " + out + ", .csv, .svg");
    }
}
