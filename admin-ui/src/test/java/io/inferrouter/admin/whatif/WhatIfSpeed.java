package io.inferrouter.admin.whatif;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.schemas.traces.TraceRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How fast the what-if replay runs, not a test (timings on a shared machine are not assertions):
 * a 10-minute window at 40 req/s (24,000 requests) replayed once per profile on the routing-quality
 * benchmark's default pool (8 pods, model-sim's defaults with 2,000 KV blocks, time scale 1).
 * Workloads: {@code w2} (the benchmark's W2 at token scale 0.25: 256 groups, 512-token system
 * prompts, 64-token questions and answers) and {@code long} (4,096-token prompts in 512-token blocks,
 * the first two shared by one of 64 groups, 128 output tokens: Mooncake's block size, longer prompts).
 *
 * <p>Run from admin-ui after {@code test-compile}, with the test classpath:
 * {@code java -cp target/test-classes:target/classes:<test classpath> io.inferrouter.admin.whatif.WhatIfSpeed
 * [w2|long] [rate] [seconds] [profile,...]}.
 */
public final class WhatIfSpeed {

    private WhatIfSpeed() {
    }

    public static void main(String[] args) {
        String workload = args.length > 0 ? args[0] : "w2";
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 40;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 600;
        List<String> profiles = args.length > 3 ? List.of(args[3].split(","))
                : List.of("round-robin", "queue-kv", "default", "precise");
        List<TraceRequest> trace = switch (workload) {
            case "w2" -> Traces.w2(256, rate, seconds, 42);
            case "long" -> Traces.sharedPrefix(64, 1024, 3072, 128, 512, rate, seconds, 42);
            default -> throw new IllegalArgumentException("workload must be w2 or long, was " + workload);
        };
        GatewayConfig gateway = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), Map.of()));
        ReplaySetup setup = ReplaySetup.of(FleetShape.benchDefaults(), gateway);
        System.out.printf(Locale.ROOT, "what-if speed: workload %s, %d requests over %.0f s (%.0f req/s), %d pods x %d "
                + "KV blocks, %d cores%n", workload, trace.size(), seconds, rate, setup.fleet().pods(),
                setup.fleet().sim().numGpuBlocks(), Runtime.getRuntime().availableProcessors());
        // One short replay first, so that the JIT has compiled the hot paths before anything is timed.
        new FleetReplay(setup, "default", trace.subList(0, Math.min(trace.size(), 2_000)), ReplayListener.NONE).run();
        System.out.printf(Locale.ROOT, "%-12s %9s %8s %8s %9s %9s %9s %9s %9s %8s%n", "profile", "virtual s",
                "wall s", "speed", "TTFT p50", "TTFT p90", "TTFT p99", "TPOT p90", "e2e p90", "hits");
        for (String profile : profiles) {
            FleetReplay replay = new FleetReplay(setup, profile, trace, ReplayListener.NONE);
            ReplayResult r = replay.run();
            System.out.printf(Locale.ROOT, "%-12s %9.1f %8.2f %8.1f %9.1f %9.1f %9.1f %9.2f %9.1f %7.1f%%%n",
                    profile, r.virtualSeconds(), r.wallSeconds(), r.speed(),
                    r.ttftMs().p50(), r.ttftMs().p90(), r.ttftMs().p99(), r.tpotMs().p90(), r.e2eMs().p90(),
                    100 * r.prefixHitRate());
        }
    }
}
