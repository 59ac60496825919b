package io.inferrouter.bench.replicas;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.bench.load.LoadGenerator;
import io.inferrouter.bench.load.RequestResult;
import io.inferrouter.bench.load.Workload;
import io.inferrouter.bench.pipeline.BenchPipeline;
import io.inferrouter.bench.report.Csv;
import io.inferrouter.bench.report.Percentiles;
import io.inferrouter.bench.report.SvgChart;
import io.inferrouter.gateway.GatewayServer;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A failover drill under load ({@code ./dev bench failover}): N gateway replicas sharing what they
 * learn and two routing-stream instances (one standby each, 2 s session), a steady workload spread at
 * random over the replicas that are up. Mid-run one gateway replica is drained, stopped and started
 * again (same port and node id: a rollout), and later one routing-stream instance is killed (it does
 * not leave its group, as a crash) and then started again. Reported per second: requests, TTFT p90,
 * prefix-cache hit rate (all requests, and those through the restarted replica: the pods' cached
 * tokens over prompt tokens), and how many endpoint rows some replica holds older than 1 s; with the times
 * the replica was down and the tables were stale.
 */
public final class FailoverDrill {

    /**
     * An endpoint row older than this in some replica's tables counts as stale (the pods are scraped every
     * 50 ms, and each scrape, answered or timed out, rewrites the row).
     */
    static final long STALE_MS = 1_000;


    /** Something the drill did, or saw, at {@code atMs} into the run. */
    record Event(double atSeconds, String what) {
    }

    /** The command line {@link #run} reads. */
    public static final List<Option> OPTIONS = List.of(
            Option.value("--workload", "W", "W2", "the workload of BENCHMARKS.md, W1-W7"),
            // 10 req/s: from 20 up the pods, four gateways and the pipeline saturate both cores here, scrapes of
            // busy pods time out and some endpoint rows are always over a second old, which hides a failover.
            Option.value("--rate", "F", "10", "arrival rate, req/s"),
            Option.value("--seconds", "N", "100", "length of the drill, after a 20 s warm-up"),
            Option.value("--replicas", "N", "4", "gateway replicas behind the load balancer"),
            Option.value("--profile", "NAME", "default", "the gateways' scheduler profile"),
            Option.value("--gateway-restart-at", "S", "30", "second at which gateway 0 is drained and restarted"),
            Option.value("--stream-kill-at", "S", "60", "second at which routing-stream 0 is killed"),
            Option.value("--stream-restart-at", "S", "80", "second at which routing-stream 0 starts again"),
            Option.flag("--no-sharing", "the gateway replicas neither publish nor apply what they learn"),
            Option.value("--time-scale", "F", "10", "the simulated pods' time scale (above 1: slower than real)"),
            Option.value("--pods", "N", "8", "simulated pods"),
            Option.value("--kv-blocks", "N", "2000", "KV-cache blocks per pod"),
            Option.value("--token-scale", "F", "0.25", "factor on the workload's token counts"),
            Option.value("--groups", "N", null, "shared-prefix groups (default 120 for W4, 256 otherwise)"),
            Option.value("--out", "DIR", "bench/results", "where the results go"));

    private FailoverDrill() {
    }

    public static void run(BenchArgs args) throws Exception {
        Workload.Kind kind = args.choice("--workload", Workload.Kind.class);
        double rate = args.decimal("--rate");
        int seconds = args.integer("--seconds");
        int replicas = args.integer("--replicas");
        double timeScale = args.decimal("--time-scale");
        int pods = args.integer("--pods");
        int blocks = args.integer("--kv-blocks");
        double tokenScale = args.decimal("--token-scale");
        int groups = args.given("--groups") ? args.integer("--groups") : kind == Workload.Kind.W4 ? 120 : 256;
        String profile = args.string("--profile");
        int gatewayAt = args.integer("--gateway-restart-at");
        int killAt = args.integer("--stream-kill-at");
        int restartAt = args.integer("--stream-restart-at");
        boolean sharing = !args.flag("--no-sharing");
        long seed = 42;
        Path work = Files.createTempDirectory("failover-");
        SimConfig sim = SimConfig.defaults().withTimeScale(timeScale).withCache(blocks);
        System.out.printf(Locale.ROOT, "failover drill: %s at %.0f req/s for %d s, profile %s, %d gateway replicas%s, 2 "
                        + "routing-stream instances; gateway 0 restarts at %d s, routing-stream 0 killed at %d s and started "
                        + "again at %d s%n", kind, rate, seconds, profile, replicas, sharing ? " sharing" : " not sharing",
                gatewayAt, killAt, restartAt);
        List<Event> events = new ArrayList<>();
        List<long[]> samples = new ArrayList<>();
        List<RequestResult> results;
        String restartedVia;
        try (BenchPipeline pipeline = new BenchPipeline(pods, "127.0.1.40", sim, work, new BenchPipeline.Options(
                Map.of("GATEWAY_DEFAULT_TOKENIZER", "sim", "GATEWAY_PEERS_ENABLED", Boolean.toString(sharing)), null,
                List.of(), replicas, true, Map.of(), 2))) {
            pipeline.awaitRoutable(Duration.ofSeconds(60));
            List<URI> all = pipeline.gatewayUrls();
            restartedVia = all.getFirst().getHost() + ":" + all.getFirst().getPort();
            AtomicReference<List<URI>> live = new AtomicReference<>(all);
            LoadGenerator gen = new LoadGenerator(live::get, Map.of("x-gateway-scheduler-profile", profile),
                    Duration.ofMinutes(5), seed);
            Workload workload = new Workload(kind, tokenScale, seed, BenchPipeline.MODEL, groups, List.of());
            gen.run(workload, rate, Duration.ofSeconds(20), seed + 1, "warm-up", Duration.ofSeconds(10));

            long start = System.nanoTime();
            CompletableFuture<List<RequestResult>> load = CompletableFuture.supplyAsync(() -> gen.run(workload, rate,
                    Duration.ofSeconds(seconds), seed + 2, "drill", Duration.ofSeconds(10)));
            ConcurrentLinkedQueue<long[]> sampled = new ConcurrentLinkedQueue<>();
            Thread sampler = Thread.ofPlatform().daemon().name("drill-sampler").start(() -> {
                while (!load.isDone()) {
                    long[] c = pipeline.fleetCounters();
                    List<GatewayServer> gws = pipeline.gateways();
                    sampled.add(new long[] {(System.nanoTime() - start) / 1_000_000, c[0], c[1],
                            oldestRowMs(gws), staleEndpoints(gws)});
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            sleepUntil(start, gatewayAt);
            live.set(all.subList(1, all.size()));
            events.add(new Event(at(start), "gateway 0 out of the load balancer, draining"));
            drain(pipeline.gateways().getFirst());
            events.add(new Event(at(start), "gateway 0 stopped"));
            pipeline.restartGateway(0);
            events.add(new Event(at(start), "gateway 0 ready again"));
            live.set(all);

            sleepUntil(start, killAt);
            pipeline.killRoutingStream(0);
            events.add(new Event(at(start), "routing-stream 0 killed"));
            sleepUntil(start, restartAt);
            pipeline.restartRoutingStream(0);
            events.add(new Event(at(start), "routing-stream 0 started again"));

            results = load.get();
            reportStale(pipeline.gateways());
            sampler.interrupt();
            sampler.join(1_000);
            samples.addAll(sampled);
        }
        report(Path.of(args.string("--out")), kind, rate, seconds, replicas, sharing, profile, events, samples, results,
                restartedVia);
    }

    /** Waits until the replica's own requests have ended (at most a minute), as a rollout's drain does. */
    private static void drain(GatewayServer gateway) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && ownInFlight(gateway) > 0) {
            Thread.sleep(20);
        }
    }

    private static int ownInFlight(GatewayServer g) {
        int n = 0;
        for (PoolSnapshot pool : g.tables().current().pools().values()) {
            for (Endpoint e : pool.endpoints()) {
                n += e.load().ownInFlight();
            }
        }
        return n;
    }

    /**
     * How old an endpoint's row is: since its latest scrape, failed or not (routing-stream relays both), so
     * that a pod too busy to answer {@code /metrics} in time does not count as stale tables.
     */
    static long rowAgeMs(Endpoint e, long nowMs) {
        return e.report() == null ? Long.MAX_VALUE : nowMs - e.report().scrape().observedAtMs();
    }

    /** The most endpoints whose rows are older than {@link #STALE_MS} in any one replica's tables. */
    private static long staleEndpoints(List<GatewayServer> gateways) {
        long now = System.currentTimeMillis();
        long most = 0;
        for (GatewayServer g : gateways) {
            PoolSnapshot pool = g.tables().current().pools().get(BenchPipeline.POOL);
            if (pool != null) {
                most = Math.max(most, pool.endpoints().stream().filter(e -> rowAgeMs(e, now) >= STALE_MS).count());
            }
        }
        return most;
    }

    /** Prints the endpoints some replica still routes on stale metrics at the end of the run, and why. */
    private static void reportStale(List<GatewayServer> gateways) {
        long now = System.currentTimeMillis();
        for (int k = 0; k < gateways.size(); k++) {
            PoolSnapshot pool = gateways.get(k).tables().current().pools().get(BenchPipeline.POOL);
            if (pool == null) {
                continue;
            }
            for (Endpoint e : pool.endpoints()) {
                if (rowAgeMs(e, now) >= STALE_MS) {
                    System.out.printf(Locale.ROOT, "  stale at the end: gateway %d endpoint %s row age %d ms report %s%n",
                            k, e.idText(), rowAgeMs(e, now), e.report());
                }
            }
        }
    }

    /** The oldest endpoint row any replica holds for the bench pool, in ms. */
    private static long oldestRowMs(List<GatewayServer> gateways) {
        long now = System.currentTimeMillis();
        long oldest = 0;
        for (GatewayServer g : gateways) {
            PoolSnapshot pool = g.tables().current().pools().get(BenchPipeline.POOL);
            if (pool != null) {
                for (Endpoint e : pool.endpoints()) {
                    oldest = Math.max(oldest, rowAgeMs(e, now));
                }
            }
        }
        return oldest;
    }

    private static void sleepUntil(long start, int second) throws InterruptedException {
        long wait = start + Duration.ofSeconds(second).toNanos() - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static double at(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static void report(Path out, Workload.Kind kind, double rate, int seconds, int replicas,
                               boolean sharing, String profile, List<Event> events, List<long[]> samples,
                               List<RequestResult> results, String restartedVia) throws Exception {
        List<Map<String, Object>> perSecond = new ArrayList<>();
        SvgChart hits = new SvgChart("Prefix-cache hit rate per second, " + kind + ", " + replicas + " replicas"
                + (sharing ? " sharing" : " not sharing"), "second of the run", "hit rate", false);
        SvgChart ttft = new SvgChart("TTFT p90 per second (by send time)", "second of the run", "TTFT p90 (ms)", true);
        SvgChart age = new SvgChart("Oldest endpoint row a replica holds (since its last scrape)", "second of the run", "age (ms)", true);
        SvgChart staleChart = new SvgChart("Endpoint rows over 1 s old (most in one replica)", "second of the run",
                "endpoints", false);
        for (int s = 0; s < seconds; s++) {
            List<RequestResult> in = inSecond(results, s);
            List<RequestResult> viaRestarted = in.stream().filter(r -> restartedVia.equals(r.via())).toList();
            long oldest = 0;
            long stale = 0;
            for (long[] x : samples) {
                if (x[0] / 1000 == s) {
                    oldest = Math.max(oldest, x[3]);
                    stale = Math.max(stale, x[4]);
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("second", s);
            row.put("requests", in.size());
            row.put("errors", in.stream().filter(r -> !r.ok()).count());
            row.put("ttftP90Ms", ttftP90(in));
            row.put("hitRate", hitRate(in));
            row.put("restartedReplicaRequests", viaRestarted.size());
            row.put("restartedReplicaHitRate", hitRate(viaRestarted));
            row.put("staleEndpoints", stale);
            row.put("oldestRowMs", oldest);
            perSecond.add(row);
            hits.point("all requests", s, (double) row.get("hitRate"));
            hits.point("through the restarted replica", s, (double) row.get("restartedReplicaHitRate"));
            ttft.point("all requests", s, (double) row.get("ttftP90Ms"));
            age.point("oldest row", s, oldest);
            staleChart.point("endpoint rows over 1 s old", s, stale);
        }
        for (Event e : events) {
            hits.point(e.what(), e.atSeconds(), 0).point(e.what(), e.atSeconds(), 1);
            age.point(e.what(), e.atSeconds(), 10).point(e.what(), e.atSeconds(), 20_000);
            staleChart.point(e.what(), e.atSeconds(), 0).point(e.what(), e.atSeconds(), 8);
        }
        Map<String, Object> summary = summary(events, samples, results, restartedVia);
        Files.createDirectories(out);
        String name = "failover-" + kind.name().toLowerCase(Locale.ROOT) + "-r" + Math.round(rate)
                + (sharing ? "" : "-no-sharing");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "failover-drill");
        doc.put("at", Instant.now().toString());
        doc.put("workload", kind.name());
        doc.put("rate", rate);
        doc.put("profile", profile);
        doc.put("gatewayReplicas", replicas);
        doc.put("replicasShare", sharing);
        doc.put("routingStreams", "2 instances, 1 standby each, session timeout 2 s (the embedded broker allows 1 s)");
        doc.put("staleMs", STALE_MS);
        doc.put("hitRate", "cached prompt tokens over prompt tokens, as the pods report them per request, by send second");
        doc.put("events", events);
        doc.put("summary", summary);
        doc.put("perSecond", perSecond);
        Files.writeString(out.resolve(name + ".json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(doc) + "\n");
        Files.writeString(out.resolve(name + ".csv"), Csv.of(perSecond));
        Files.writeString(out.resolve(name + "-hits.svg"), hits.render());
        Files.writeString(out.resolve(name + "-ttft.svg"), ttft.render());
        Files.writeString(out.resolve(name + "-metrics-age.svg"), age.render());
        Files.writeString(out.resolve(name + "-stale.svg"), staleChart.render());
        System.out.println();
        events.forEach(e -> System.out.printf(Locale.ROOT, "  %6.1f s  %s%n", e.atSeconds(), e.what()));
        summary.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-40s %s%n", k, v));
        System.out.println("wrote " + out.resolve(name + ".json") + ", .csv, -hits.svg, -ttft.svg, -metrics-age.svg, "
                + "-stale.svg");
    }

    /**
     * The numbers the drill is for: the restarted replica's hit rate in the 10 s before it left against
     * its first 5 s and next 5 s back, how long it was out, and how long the tables were stale after the
     * routing-stream kill and restart.
     */
    private static Map<String, Object> summary(List<Event> events, List<long[]> samples, List<RequestResult> results,
                                               String restartedVia) {
        Map<String, Object> s = new LinkedHashMap<>();
        double out = events.get(0).atSeconds();
        double back = events.get(2).atSeconds();
        s.put("gateway 0 out of the load balancer (s)", round(back - out));
        s.put("gateway 0 hit rate, 10 s before", round(hitRate(via(results, restartedVia, out - 10, out))));
        s.put("gateway 0 hit rate, first 5 s back", round(hitRate(via(results, restartedVia, back, back + 5))));
        s.put("gateway 0 hit rate, 5-10 s back", round(hitRate(via(results, restartedVia, back + 5, back + 10))));
        s.put("others' hit rate while it was out", round(hitRate(results.stream().filter(r -> !restartedVia.equals(r.via())
                && r.offsetNanos() / 1e9 >= out && r.offsetNanos() / 1e9 < back).toList())));
        for (Event e : events.subList(3, 5)) {
            s.put("tables stale after '" + e.what() + "' (s)", round(staleFor(samples, e.atSeconds())));
        }
        return s;
    }

    /**
     * Seconds from {@code fromSeconds} until no more endpoints were stale (metrics over {@link #STALE_MS}
     * old in some replica) than in the 5 s before it, after more had been; 0 when no more went stale in
     * the next 10 s; NaN when they stayed stale to the end.
     */
    static double staleFor(List<long[]> samples, double fromSeconds) {
        long from = Math.round(fromSeconds * 1000);
        long baseline = 0;
        for (long[] x : samples) {
            if (x[0] >= from - 5_000 && x[0] < from) {
                baseline = Math.max(baseline, x[4]);
            }
        }
        boolean wentStale = false;
        for (long[] x : samples) {
            if (x[0] < from) {
                continue;
            }
            if (x[4] > baseline) {
                wentStale = true;
            } else if (wentStale) {
                return (x[0] - from) / 1000.0;
            } else if (x[0] > from + 10_000) {
                return 0;
            }
        }
        return wentStale ? Double.NaN : 0;
    }

    private static List<RequestResult> via(List<RequestResult> results, String via, double from, double to) {
        return results.stream().filter(r -> via.equals(r.via()) && r.offsetNanos() / 1e9 >= from
                && r.offsetNanos() / 1e9 < to).toList();
    }

    private static List<RequestResult> inSecond(List<RequestResult> results, int s) {
        return results.stream().filter(r -> (int) (r.offsetNanos() / 1_000_000_000L) == s).toList();
    }

    /** Cached over prompt tokens of the requests that reported both; NaN when none did. */
    static double hitRate(List<RequestResult> results) {
        long prompt = 0;
        long cached = 0;
        for (RequestResult r : results) {
            if (r.ok() && r.promptTokens() > 0 && r.cachedTokens() >= 0) {
                prompt += r.promptTokens();
                cached += r.cachedTokens();
            }
        }
        return prompt == 0 ? Double.NaN : (double) cached / prompt;
    }

    private static double ttftP90(List<RequestResult> results) {
        return Percentiles.ofNanosAsMillis(results.stream().filter(RequestResult::ok).mapToLong(RequestResult::ttftNanos)
                .toArray()).at(90);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
