package io.inferrouter.bench;

import io.inferrouter.bench.decision.DecisionTime;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./dev bench <name> [options]}: runs one benchmark on demand and writes its results under
 * {@code bench/results/}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        if (args.length == 0 || args[0].equals("--help")) {
            usage();
            return;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (args[0]) {
            case "decision-time" -> DecisionTime.run(rest);
            case "overhead" -> io.inferrouter.bench.overhead.OverheadBench.run(rest);
            case "quality" -> io.inferrouter.bench.quality.RoutingQuality.run(rest);
            case "freshness" -> io.inferrouter.bench.freshness.Freshness.run(rest);
            case "scale" -> io.inferrouter.bench.scale.ScaleBench.run(rest);
            case "sim-calibration" -> io.inferrouter.bench.sim.SimCalibration.run(rest);
            case "kv-events" -> io.inferrouter.bench.kvevents.KvEventsThroughput.run(rest);
            case "sharing" -> io.inferrouter.bench.replicas.ReplicaSharing.run(rest);
            case "failover" -> io.inferrouter.bench.replicas.FailoverDrill.run(rest);
            default -> {
                System.err.println("unknown benchmark '" + args[0] + "'");
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.out.println("""
                usage: ./dev bench <name> [options]
                  decision-time [--quick] [--tokenizer-json PATH]
                                            scheduler decision time for pools of 10, 100, 1000 endpoints, and the
                                            precise prefix scorer's tokenizing and hashing of an 8k-token prompt (JMH)
                  overhead [--quick] [--rounds N] [--seconds N] [--rates 200,800] [--cases "1KB,200KB stream"]
                           [--gateway-jvm "<extra JVM options for gateway-node>"]
                                            added latency and max throughput: direct vs gateway-node, nginx, HAProxy
                  quality [--quick] [--workload W1..W7] [--rates 10,25,40] [--profiles a,b] [--seconds N]
                          [--time-scale F] [--pods N] [--kv-blocks N] [--token-scale F] [--groups N]
                          [--adapters N] [--max-loras N] (W6) [--gateways N] [--no-sharing] [--no-kv-events]
                          [--progress-seconds N] (0: none) [--out DIR]
                                            TTFT, ITL, TPOT, normalized time per token, throughput, goodput, hit rate,
                                            decision time, KV events/s and their index lag per scheduler profile;
                                            profile direct-service sends straight to the pods (a random pod per
                                            request, like a Kubernetes Service); --gateways N spreads requests at
                                            random over N gateway replicas (--no-sharing: replicas that do not
                                            share what they learn)
                  sharing [--workloads W2:40,W4:15] [--replicas 4] [--repeats 2] [--profile default] [--seconds N]
                          [--time-scale F] [--pods N] [--kv-blocks N] [--token-scale F] [--groups N] [--out DIR]
                                            side by side, each workload at its rate: 1 gateway replica, N sharing
                                            what they learn, N not sharing; TTFT, hit rate, peer prompt lag
                  failover [--workload W2] [--rate 10] [--seconds 100] [--replicas 4] [--profile default]
                           [--gateway-restart-at 30] [--stream-kill-at 60] [--stream-restart-at 80] [--no-sharing]
                                            a drill under load: one gateway replica restarted, one of two
                                            routing-stream instances killed and started again; hit rate, TTFT p90
                                            and stale endpoint rows, per second, with plots
                  kv-events [--pods 32] [--rates 10,50,100,200] [--seconds N] [--blocks-per-batch 8]
                            [--scrape-interval 1s]
                                            the KV-event pipeline alone (pods' ZeroMQ publishers, ingestor, kv.events,
                                            gateway index): batches and events/s, pod-to-index lag p50/p99
                  freshness [--samples N]   metric change / pod unready / resource edit to gateway table, p50/p99
                  scale [--pools 10,100,1000] [--endpoints-per-pool N] [--models-per-pool N]
                        [--updates-per-endpoint N] [--decisions N] [--in-memory-stores]
                                            control-plane load, metric updates/s through Streams to the gateway,
                                            gateway memory per endpoint, decision time, as the fleet grows
                  sim-calibration           one simulated pod at time scale 1: TPOT at batch 1/16/64/256, TTFT 2k""");
    }
}
