package io.inferrouter.admin.whatif;

import io.inferrouter.admin.decisions.DecisionFilter;
import io.inferrouter.admin.decisions.DecisionWindow;
import io.inferrouter.admin.decisions.LoggedDecision;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.traces.MooncakeTrace;
import io.inferrouter.schemas.traces.TraceRequest;
import io.inferrouter.sim.engine.SimConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./dev whatif}: a window of the decisions topic (or a Mooncake trace) re-decided and replayed
 * under one or more scheduler profiles; prints the determinism check, the replays side by side and
 * the calibration against what was recorded, and writes {@code whatif.json} and a TTFT plot.
 */
public final class WhatIfCommand {

    static final String USAGE = """
            usage: ./dev whatif [options]
              Re-runs a window of recorded decisions (or a trace) with the production scheduler: every request
              re-decided from its recorded inputs (with its recorded profile it must reproduce 100% of the
              choices), then the window's arrivals replayed through a simulated fleet in virtual time, once
              per profile, side by side. Profiles are the gateway's, configured as the gateway reads them
              (GATEWAY_* environment variables).
            options:
              --bootstrap HOST:PORT   Kafka (default 127.0.0.1:9092)
              --from TIME             window start, RFC 3339 or epoch ms (default: 10 minutes before --to)
              --to TIME               window end (default: now)
              --pool NS/NAME          only this pool's decisions (required when the window holds several)
              --model NAME            only requests for this model
              --trace FILE            replay a Mooncake trace (JSON lines) instead of a window; no re-decision
              --profiles LIST         profiles to replay (default: the recorded one, then default, queue-kv, precise)
              --pods N                pods of the simulated fleet (default: the endpoints the window saw, else 8)
              --kv-blocks N           KV-cache blocks per simulated pod (default 2000, the bench's)
              --time-scale F          the simulated pods' time scale, as the recorded fleet ran (default 1)
              --warm-up SECONDS       replayed but not measured at the start (default 0)
              --max-decisions N       most decisions read from the window (default 200000)
              --out DIR               where whatif.json and whatif-ttft.svg go (default .)
              --help, -h              this text
            """;

    private WhatIfCommand() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("whatif: " + e.getMessage());
            code = 2;
        } catch (IOException | RuntimeException e) {
            System.err.println("whatif: failed: " + e);
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Map<String, String> o = options(args);
        if (o.containsKey("help")) {
            out.print(USAGE);
            return 0;
        }
        GatewayConfig gateway = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), System.getenv()));
        WhatIf.Redecision redecision = null;
        WhatIf.Arrivals arrivals;
        if (o.containsKey("trace")) {
            for (String windowOnly : List.of("from", "to", "pool", "model", "max-decisions")) {
                if (o.containsKey(windowOnly)) {
                    throw new IllegalArgumentException("--" + windowOnly + " reads a window of decisions; with --trace"
                            + " there is none");
                }
            }
            List<TraceRequest> trace = MooncakeTrace.read(Path.of(o.get("trace")));
            arrivals = new WhatIf.Arrivals(trace, new double[trace.size()], Map.of(), null, 0);
            java.util.Arrays.fill(arrivals.recordedTtftMs(), Double.NaN);
            out.printf(Locale.ROOT, "trace %s: %d requests over %.1f s%n", o.get("trace"), trace.size(),
                    (trace.get(trace.size() - 1).timestampMs() - trace.get(0).timestampMs()) / 1000.0);
        } else {
            List<RoutingDecision> decisions = window(o, out);
            arrivals = WhatIf.arrivals(decisions);
            List<String> others = profiles(o, arrivals.profile());
            redecision = WhatIf.redecide(decisions, gateway, others);
            printRedecision(redecision, arrivals, out);
        }
        List<String> profiles = profiles(o, arrivals.profile());
        int pods = integer(o, "pods", arrivals.pods() > 0 ? arrivals.pods() : FleetShape.BENCH_PODS);
        SimConfig sim = SimConfig.defaults().withCache(integer(o, "kv-blocks", FleetShape.BENCH_KV_BLOCKS))
                .withTimeScale(decimal(o, "time-scale", 1.0));
        ReplaySetup setup = ReplaySetup.of(new FleetShape(pods, sim), gateway)
                .withWarmUp(Duration.ofMillis((long) (1000 * decimal(o, "warm-up", 0))));
        out.printf(Locale.ROOT, "replaying %d requests on %d simulated pods (%d KV blocks, time scale %s), profiles %s%n",
                arrivals.requests().size(), pods, sim.numGpuBlocks(), sim.timeScale(), profiles);
        WhatIf.Report report = WhatIf.replay(redecision, arrivals, setup, profiles);
        printReport(report, out);
        Path dir = Path.of(o.getOrDefault("out", "."));
        Files.createDirectories(dir);
        Files.write(dir.resolve("whatif.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(WhatIfJson.of(report)));
        Files.writeString(dir.resolve("whatif-ttft.svg"), WhatIfPlot.ttftCdf(report));
        out.println("wrote " + dir.resolve("whatif.json") + " and " + dir.resolve("whatif-ttft.svg"));
        return report.redecision() != null && report.redecision().different() > 0 ? 3 : 0;
    }

    private static List<RoutingDecision> window(Map<String, String> o, PrintStream out) {
        Instant to = o.containsKey("to") ? instant(o.get("to"), "to") : Instant.now();
        Instant from = o.containsKey("from") ? instant(o.get("from"), "from") : to.minus(Duration.ofMinutes(10));
        Map<String, String> filter = new LinkedHashMap<>();
        filter.put("pool", o.get("pool"));
        filter.put("model", o.get("model"));
        String bootstrap = o.getOrDefault("bootstrap", "127.0.0.1:9092");
        DecisionWindow window = reader(bootstrap, integer(o, "max-decisions", 200_000));
        DecisionWindow.Window w = window.read(from, to, DecisionFilter.of(filter));
        List<RoutingDecision> decisions = w.decisions().stream().map(LoggedDecision::decision).toList();
        java.util.Set<String> pools = new java.util.TreeSet<>();
        decisions.forEach(d -> {
            if (d.pool() != null) {
                pools.add(d.pool().toString());
            }
        });
        if (pools.size() > 1) {
            throw new IllegalArgumentException("the window holds decisions for pools " + pools + "; pick one with --pool");
        }
        out.printf(Locale.ROOT, "window %s .. %s%s: %d decisions%s%s%n", from, to,
                o.containsKey("pool") ? " pool " + o.get("pool") : "", decisions.size(),
                w.truncated() ? " (truncated at --max-decisions)" : "",
                w.unreadable() > 0 ? ", " + w.unreadable() + " unreadable records skipped" : "");
        if (decisions.isEmpty()) {
            throw new IllegalArgumentException("no decisions in the window " + from + " .. " + to + " on " + bootstrap);
        }
        return decisions;
    }

    private static void printRedecision(WhatIf.Redecision r, WhatIf.Arrivals a, PrintStream out) {
        out.printf(Locale.ROOT, "determinism: %d of %d re-decided with their recorded profile reproduce the recorded"
                + " ranking (%.2f%%), %d differ%n", r.same(), r.same() + r.different(), 100 * r.reproduced(), r.different());
        r.skipped().forEach((reason, n) -> out.printf(Locale.ROOT, "  not re-decided: %d (%s)%n", n, reason));
        r.firstDifferent().forEach(d -> out.println("  DIFFERENT " + d));
        r.otherProfiles().forEach((p, n) -> out.printf(Locale.ROOT, "  profile %-18s would have picked another"
                + " endpoint for %d of %d (same inputs)%n", p, n, r.same() + r.different()));
        a.left().forEach((reason, n) -> out.printf(Locale.ROOT, "  not replayed: %d (%s)%n", n, reason));
    }

    private static void printReport(WhatIf.Report report, PrintStream out) {
        out.printf(Locale.ROOT, "%-20s %8s %9s %9s %9s %9s %9s %9s %7s %9s%n", "profile", "measured", "TTFT p50",
                "TTFT p90", "TTFT p99", "TPOT p90", "e2e p50", "e2e p90", "hits", "speed x");
        LatencySummary rec = report.recordedTtftMs();
        if (rec != null) {
            out.printf(Locale.ROOT, "%-20s %8d %9.1f %9.1f %9.1f %9s %9s %9s %7s %9s%n", "(recorded)", rec.count(),
                    rec.p50(), rec.p90(), rec.p99(), "", "", "", "", "");
        }
        for (ReplayResult r : report.replays()) {
            out.printf(Locale.ROOT, "%-20s %8d %9.1f %9.1f %9.1f %9.2f %9.1f %9.1f %6.1f%% %9.0f%n", r.profile(),
                    r.measured(), r.ttftMs().p50(), r.ttftMs().p90(), r.ttftMs().p99(), r.tpotMs().p90(), r.e2eMs().p50(),
                    r.e2eMs().p90(), 100 * r.prefixHitRate(), r.speed());
        }
        String recorded = report.arrivals().profile();
        if (rec != null && recorded != null) {
            report.replays().stream().filter(r -> r.profile().equals(recorded)).findFirst().ifPresent(r ->
                    out.printf(Locale.ROOT, "calibration (%s replayed vs recorded): TTFT p50 %+.1f%%, p90 %+.1f%%%n",
                            recorded, 100 * (r.ttftMs().p50() / rec.p50() - 1), 100 * (r.ttftMs().p90() / rec.p90() - 1)));
        }
        out.println("per-pod requests: ");
        for (ReplayResult r : report.replays()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-18s", r.profile()));
            r.pods().forEach(p -> b.append(String.format(Locale.ROOT, " %s=%d(%.0f%%)", p.pod(), p.requests(),
                    100 * p.busyShare())));
            out.println(b);
        }
    }

    /** The profiles to replay: --profiles, else the recorded one first, then the gateway's usual comparison. */
    private static List<String> profiles(Map<String, String> o, String recorded) {
        if (o.containsKey("profiles")) {
            return List.of(o.get("profiles").split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        List<String> out = new ArrayList<>();
        if (recorded != null && !recorded.contains("/")) {
            out.add(recorded);
        }
        for (String p : List.of("default", "queue-kv", "precise")) {
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        List<String> known = List.of("bootstrap", "from", "to", "pool", "model", "trace", "profiles", "pods",
                "kv-blocks", "time-scale", "warm-up", "max-decisions", "out");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                o.put("help", "");
                return o;
            }
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown option '" + a + "' (./dev whatif --help lists them)");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            if (o.put(a.substring(2), args[++i]) != null) {
                throw new IllegalArgumentException(a + " is given twice");
            }
        }
        return o;
    }

    private static int integer(Map<String, String> o, String name, int fallback) {
        String v = o.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, was '" + v + "'");
        }
    }

    private static double decimal(Map<String, String> o, String name, double fallback) {
        String v = o.get(name);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, was '" + v + "'");
        }
    }

    private static Instant instant(String text, String name) {
        try {
            return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(text))
                    : Instant.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an RFC 3339 time (2026-12-02T13:00:00Z) or epoch"
                    + " ms, was '" + text + "'");
        }
    }

    /** A read-only window reader of the decisions topic on {@code bootstrap} (it copies nothing). */
    public static DecisionWindow reader(String bootstrap, int maxRecords) {
        return new DecisionWindow(() -> consumer(bootstrap), null, maxRecords);
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "whatif");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
