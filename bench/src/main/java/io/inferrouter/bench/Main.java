package io.inferrouter.bench;

import io.inferrouter.bench.decision.DecisionTime;
import io.inferrouter.bench.freshness.Freshness;
import io.inferrouter.bench.kvevents.KvEventsThroughput;
import io.inferrouter.bench.load.TraceGenerator;
import io.inferrouter.bench.overhead.OverheadBench;
import io.inferrouter.bench.quality.RoutingQuality;
import io.inferrouter.bench.replicas.FailoverDrill;
import io.inferrouter.bench.replicas.ReplicaSharing;
import io.inferrouter.bench.scale.ScaleBench;
import io.inferrouter.bench.sim.SimCalibration;
import io.inferrouter.bench.whatif.WhatIfCalibration;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./dev bench <name> [options]}: runs one benchmark on demand and writes its results under
 * {@code bench/results/}. {@code ./dev bench --help} lists the benchmarks, {@code ./dev bench <name> --help}
 * one benchmark's options; neither starts anything.
 */
public final class Main {

    /** What a benchmark does with its command line. */
    @FunctionalInterface
    interface Run {
        void run(BenchArgs args) throws Exception;
    }

    /**
     * One benchmark: its name, one line for the list, more for its own help, and its options.
     *
     * @param about what it measures beyond the summary; empty for nothing more
     */
    record Benchmark(String name, String summary, String about, List<BenchArgs.Option> options, Run run) {

        String usage() {
            return BenchArgs.usage(name, about.isEmpty() ? summary : summary + "\n" + about, options);
        }
    }

    static final List<Benchmark> BENCHMARKS = List.of(
            new Benchmark("decision-time", "scheduler decision time for 10, 100, 1000 endpoints, and the precise "
                    + "prefix scorer's tokenizing and hashing of an 8k-token prompt (JMH)", "",
                    DecisionTime.OPTIONS, DecisionTime::run),
            new Benchmark("overhead", "added latency and max throughput: direct vs gateway-node, nginx, HAProxy",
                    "Fixed rates first, then closed-loop max throughput, rounds interleaved across the targets.",
                    OverheadBench.OPTIONS, OverheadBench::run),
            new Benchmark("quality", "TTFT, ITL, TPOT, throughput, goodput, prefix-hit rate, decision time and KV "
                    + "events per scheduler profile",
                    """
                    Every profile over the same workload, seed and fleet of simulated pods; profile
                    direct-service sends straight to the pods (a random pod per request, like a Kubernetes
                    Service); --gateways N spreads requests at random over N gateway replicas.""",
                    RoutingQuality.OPTIONS, RoutingQuality::run),
            new Benchmark("sharing", "1 gateway replica vs N sharing what they learn vs N not sharing: TTFT, hit "
                    + "rate, peer prompt lag",
                    "Side by side, interleaved and repeated, each workload at its own rate.",
                    ReplicaSharing.OPTIONS, ReplicaSharing::run),
            new Benchmark("failover", "a drill under load: a gateway replica restarted, a routing-stream instance "
                    + "killed and started again",
                    "Per second: hit rate, TTFT p90 and stale endpoint rows, with plots.",
                    FailoverDrill.OPTIONS, FailoverDrill::run),
            new Benchmark("kv-events", "the KV-event pipeline alone, pods' ZeroMQ publishers to the gateway's "
                    + "index: events/s, lag p50/p99", "", KvEventsThroughput.OPTIONS, KvEventsThroughput::run),
            new Benchmark("freshness", "metric change / pod unready / InferenceModel edit to the gateway's table, "
                    + "p50/p99", "", Freshness.OPTIONS, Freshness::run),
            new Benchmark("scale", "control-plane load as the fleet grows: metric updates/s through Streams, "
                    + "gateway memory per endpoint, decision time", "", ScaleBench.OPTIONS, ScaleBench::run),
            new Benchmark("sim-calibration", "one simulated pod at time scale 1: TPOT at batch 1/16/64/256, TTFT "
                    + "of a 2k prompt, against the step-time model", "", List.of(), SimCalibration::run),
            new Benchmark("whatif-calibration", "records a window through the real pipeline, then replays it in "
                    + "virtual time with the same profile: determinism, TTFT calibration error, replay speed", "",
                    WhatIfCalibration.OPTIONS, WhatIfCalibration::run),
            new Benchmark("trace-gen", "writes a synthetic trace in Mooncake's format (JSON lines) for quality --trace",
                    """
                    Shared system prompts, multi-turn sessions whose prefixes grow, Poisson arrivals; the same
                    seed makes the same file. Not a benchmark: it measures nothing.""",
                    TraceGenerator.OPTIONS, TraceGenerator::run));

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        JulToSlf4j.install();
        int code = run(List.of(args), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the benchmark {@code args} name, or prints help; returns the exit code (2: bad command line).
     * Help is answered before any option is read, so that it never starts anything.
     */
    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || args.getFirst().equals("help") || BenchArgs.wantsHelp(args.subList(0, 1))) {
            out.println(list());
            return 0;
        }
        String name = args.getFirst();
        Optional<Benchmark> found = BENCHMARKS.stream().filter(b -> b.name().equals(name)).findFirst();
        if (found.isEmpty()) {
            err.println("bench: unknown benchmark '" + name + "'");
            err.println(list());
            return 2;
        }
        Benchmark benchmark = found.get();
        List<String> rest = args.subList(1, args.size());
        if (BenchArgs.wantsHelp(rest)) {
            out.println(benchmark.usage());
            return 0;
        }
        try {
            benchmark.run().run(BenchArgs.parse(benchmark.options(), rest));
        } catch (BenchArgs.BadArgument e) {
            err.println("bench " + name + ": " + e.getMessage() + " (./dev bench " + name + " --help lists its options)");
            return 2;
        }
        return 0;
    }

    static String list() {
        int width = BENCHMARKS.stream().mapToInt(b -> b.name().length()).max().orElse(0);
        StringBuilder b = new StringBuilder("usage: ./dev bench <name> [options]   (./dev bench <name> --help: its "
                + "options)\nbenchmarks:\n");
        for (Benchmark x : BENCHMARKS) {
            b.append("  ").append(String.format("%-" + width + "s", x.name())).append("  ").append(x.summary())
                    .append('\n');
        }
        return b.append("Results go to bench/results/ (JSON, and CSV and SVG where there are series).").toString();
    }
}
