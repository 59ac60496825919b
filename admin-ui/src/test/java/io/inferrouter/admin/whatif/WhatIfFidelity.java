package io.inferrouter.admin.whatif;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.schemas.traces.TraceRequest;
import io.inferrouter.sim.engine.SimConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The virtual-time replay against model-sim in real time, on the same arrivals with the same
 * routing (round-robin: the production scheduler's {@code round-robin} profile in the replay, pod
 * {@code p mod pods} in real time), so that routing is not the variable: TTFT and e2e percentiles of
 * both, and their ratio. Not a test: the real-time side runs on this shared machine's wall clock.
 *
 * <p>Run from admin-ui after {@code test-compile}, with the test classpath:
 * {@code java -cp target/test-classes:target/classes:<test classpath> io.inferrouter.admin.whatif.WhatIfFidelity
 * [rate] [seconds] [time scale] [runs]}.
 */
public final class WhatIfFidelity {

    private WhatIfFidelity() {
    }

    public static void main(String[] args) throws InterruptedException {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 60;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 20;
        double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        FleetShape fleet = new FleetShape(FleetShape.BENCH_PODS,
                SimConfig.defaults().withCache(FleetShape.BENCH_KV_BLOCKS).withTimeScale(scale));
        GatewayConfig gateway = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), Map.of()));
        ReplaySetup setup = ReplaySetup.of(fleet, gateway);
        System.out.printf(Locale.ROOT, "what-if fidelity: W2 (0.25) at %.0f req/s for %.0f s, %d pods x %d KV blocks, "
                + "time scale %s, round-robin%n", rate, seconds, fleet.pods(), fleet.sim().numGpuBlocks(), scale);
        System.out.printf(Locale.ROOT, "%-4s %-9s %9s %9s %9s %9s %9s %9s%n", "run", "driver", "TTFT p50", "TTFT p90",
                "TTFT p99", "e2e p50", "e2e p90", "wall s");
        for (int run = 1; run <= runs; run++) {
            List<TraceRequest> trace = Traces.w2(256, rate, seconds, 40 + run);
            long t0 = System.nanoTime();
            ReplayResult virtual = new WhatIfReplay(setup).run(trace, "round-robin");
            double virtualWall = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            RealTimeFleet.Run real = RealTimeFleet.run(fleet, trace, setup.seed());
            double realWall = (System.nanoTime() - t0) / 1e9;
            LatencySummary realTtft = LatencySummary.of(real.ttftMs());
            LatencySummary realE2e = LatencySummary.of(real.e2eMs());
            int samePod = 0;
            for (int k = 0; k < trace.size(); k++) {
                samePod += ("pod-" + real.pods()[k]).equals(virtual.outcomes().get(k).pod()) ? 1 : 0;
            }
            row(run, "real", realTtft, realE2e, realWall);
            row(run, "virtual", virtual.ttftMs(), virtual.e2eMs(), virtualWall);
            System.out.printf(Locale.ROOT,
                    "%-4d %-9s %9.3f %9.3f %9.3f %9.3f %9.3f   (%d of %d requests on the same pod)%n",
                    run, "ratio", virtual.ttftMs().p50() / realTtft.p50(), virtual.ttftMs().p90() / realTtft.p90(),
                    virtual.ttftMs().p99() / realTtft.p99(), virtual.e2eMs().p50() / realE2e.p50(),
                    virtual.e2eMs().p90() / realE2e.p90(), samePod, trace.size());
        }
    }

    private static void row(int run, String driver, LatencySummary ttft, LatencySummary e2e, double wall) {
        System.out.printf(Locale.ROOT, "%-4d %-9s %9.1f %9.1f %9.1f %9.1f %9.1f %9.2f%n", run, driver, ttft.p50(),
                ttft.p90(), ttft.p99(), e2e.p50(), e2e.p90(), wall);
    }
}
