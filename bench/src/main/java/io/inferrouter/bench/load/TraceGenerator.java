package io.inferrouter.bench.load;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.schemas.traces.MooncakeTrace;
import io.inferrouter.schemas.traces.TraceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes a synthetic trace in Mooncake's format ({@code ./dev bench trace-gen}), so that the trace
 * replay has an input whose shape is known and which anyone can make again from a seed: a few shared
 * system prompts, multi-turn sessions whose prefix grows by each question and answer, Poisson arrivals.
 *
 * <p>Ids follow the format's meaning: one id per block of {@value MooncakeTrace#BLOCK_TOKENS} tokens,
 * equal ids only for equal content. A session keeps the ids of the full blocks of its history; the
 * block its history ends in, and every block after, gets a new id in the next request, since a new
 * question (or the answer, once appended) changes that block's content. A block that was full in a
 * request keeps its id in the session's history. The system prompts' full blocks have ids of their
 * own, shared by every session that starts from them.
 *
 * <p>The test trace {@code schemas/src/test/resources/traces/small-mooncake.jsonl} is
 * {@code ./dev bench trace-gen --out schemas/src/test/resources/traces/small-mooncake.jsonl}
 * with the defaults ({@value #SMALL_REQUESTS} requests, {@value #SMALL_RATE} req/s, seed {@value #SMALL_SEED}).
 */
public final class TraceGenerator {

    static final int SMALL_REQUESTS = 300;
    static final String SMALL_RATE = "5";
    static final long SMALL_SEED = 42;

    /** Distinct system prompts; every session starts with one. */
    static final int SYSTEM_PROMPTS = 4;
    /** A system prompt's length, uniform in [min, max] tokens. */
    static final int SYSTEM_MIN_TOKENS = 700;
    static final int SYSTEM_MAX_TOKENS = 2600;
    /** Chance that an arrival opens a new session rather than continuing an open one. */
    static final double NEW_SESSION = 0.3;
    /** Turns a session has at most, uniform in [2, this]. */
    static final int MAX_TURNS = 8;
    /** A session ends when its next prompt would pass this many tokens. */
    static final int MAX_CONTEXT_TOKENS = 16_384;

    /** The command line {@link #run} reads. */
    public static final List<Option> OPTIONS = List.of(
            Option.value("--out", "FILE", "", "the trace file to write (JSON lines); required"),
            Option.value("--requests", "N", Integer.toString(SMALL_REQUESTS), "requests in the trace"),
            Option.value("--rate", "R", SMALL_RATE, "mean arrival rate, req/s (Poisson)"),
            Option.value("--seed", "S", Long.toString(SMALL_SEED), "seed; the same seed makes the same file"));

    private TraceGenerator() {
    }

    public static void run(BenchArgs args) throws IOException {
        String out = args.string("--out");
        if (out == null || out.isBlank()) {
            throw new BenchArgs.BadArgument("--out FILE is required: where to write the trace");
        }
        long seed;
        try {
            seed = Long.parseLong(args.string("--seed").trim());
        } catch (NumberFormatException e) {
            throw new BenchArgs.BadArgument("--seed must be a whole number, was '" + args.string("--seed") + "'");
        }
        List<TraceRequest> trace = generate(args.integer("--requests"), args.decimal("--rate"), seed);
        Path file = Path.of(out);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        MooncakeTrace.write(trace, file);
        System.out.println(summary(trace) + "; wrote " + file);
    }

    /**
     * {@code requests} requests arriving at {@code ratePerSecond} on average, the first at 0 ms.
     *
     * @throws IllegalArgumentException for fewer than one request or a rate that is not positive
     */
    public static List<TraceRequest> generate(int requests, double ratePerSecond, long seed) {
        if (requests < 1 || !(ratePerSecond > 0)) {
            throw new IllegalArgumentException("a trace needs >= 1 request and a positive rate, got " + requests
                    + " at " + ratePerSecond + " req/s");
        }
        SplittableRandom random = new SplittableRandom(seed);
        Ids ids = new Ids();
        List<Session> systems = new ArrayList<>();
        for (int s = 0; s < SYSTEM_PROMPTS; s++) {
            int tokens = SYSTEM_MIN_TOKENS + random.nextInt(SYSTEM_MAX_TOKENS - SYSTEM_MIN_TOKENS + 1);
            systems.add(new Session(tokens, ids.fresh(tokens / MooncakeTrace.BLOCK_TOKENS), 0));
        }
        List<Session> open = new ArrayList<>();
        List<TraceRequest> trace = new ArrayList<>(requests);
        double seconds = 0;
        while (trace.size() < requests) {
            int question = lengthTokens(random, 5.3, 0.6, 16, 2000);
            int answer = lengthTokens(random, 4.8, 0.7, 8, 800);
            Session session = open.isEmpty() || random.nextDouble() < NEW_SESSION ? null
                    : open.get(random.nextInt(open.size()));
            if (session != null && session.tokens + question > MAX_CONTEXT_TOKENS) {
                open.remove(session);
                session = null;
            }
            if (session == null) {
                Session system = systems.get(random.nextInt(systems.size()));
                session = new Session(system.tokens, system.fullIds, 2 + random.nextInt(MAX_TURNS - 1));
                open.add(session);
            }
            int input = session.tokens + question;
            long[] requestIds = session.prompt(input, ids);
            trace.add(new TraceRequest(Math.round(seconds * 1000), null, input, answer, requestIds,
                    MooncakeTrace.BLOCK_TOKENS));
            session.answered(input, answer, requestIds, ids);
            if (--session.turnsLeft == 0) {
                open.remove(session);
            }
            seconds += -Math.log(1 - random.nextDouble()) / ratePerSecond;
        }
        return trace;
    }

    /** Requests, span, mean lengths, and the share of blocks an unbounded prefix cache would have served. */
    static String summary(List<TraceRequest> trace) {
        Set<Long> seen = new HashSet<>();
        long blocks = 0;
        long reused = 0;
        double input = 0;
        double output = 0;
        for (TraceRequest r : trace) {
            input += r.inputLength();
            output += r.outputLength();
            for (int k = 0; k < r.blocks(); k++) {
                blocks++;
                if (!seen.add(r.hashId(k))) {
                    reused++;
                }
            }
        }
        double span = (trace.getLast().timestampMs() - trace.getFirst().timestampMs()) / 1e3;
        return String.format(Locale.ROOT, "%d requests over %.1f s, mean input %.0f tokens, mean output %.0f tokens, "
                        + "%.1f%% of blocks seen before", trace.size(), span, input / trace.size(),
                output / trace.size(), blocks == 0 ? 0 : 100.0 * reused / blocks);
    }

    /** Log-normal token count, rounded and clamped. */
    private static int lengthTokens(SplittableRandom random, double mu, double sigma, int min, int max) {
        long n = Math.round(Math.exp(mu + sigma * random.nextGaussian()));
        return (int) Math.max(min, Math.min(max, n));
    }

    /** Ids in the order they are first used, from 0, as Mooncake's traces number theirs. */
    private static final class Ids {
        private long next;

        long[] fresh(int count) {
            long[] out = new long[count];
            for (int i = 0; i < count; i++) {
                out[i] = next++;
            }
            return out;
        }
    }

    /** A conversation so far: its tokens and the ids of its full blocks. */
    private static final class Session {
        private int tokens;
        private long[] fullIds;
        private int turnsLeft;

        Session(int tokens, long[] fullIds, int turnsLeft) {
            this.tokens = tokens;
            this.fullIds = fullIds;
            this.turnsLeft = turnsLeft;
        }

        /** The ids of a prompt of {@code input} tokens: the history's full blocks, then new ones. */
        long[] prompt(int input, Ids ids) {
            int blocks = ceilBlocks(input);
            long[] out = new long[blocks];
            int kept = Math.min(fullIds.length, blocks);
            System.arraycopy(fullIds, 0, out, 0, kept);
            System.arraycopy(ids.fresh(blocks - kept), 0, out, kept, blocks - kept);
            return out;
        }

        /** The answer appended: blocks that were full in the prompt keep their ids, the rest are new. */
        void answered(int input, int answer, long[] promptIds, Ids ids) {
            tokens = input + answer;
            int full = tokens / MooncakeTrace.BLOCK_TOKENS;
            int keep = Math.min(input / MooncakeTrace.BLOCK_TOKENS, full);
            long[] next = new long[full];
            System.arraycopy(promptIds, 0, next, 0, keep);
            System.arraycopy(ids.fresh(full - keep), 0, next, keep, full - keep);
            fullIds = next;
        }

        private static int ceilBlocks(int tokens) {
            return (tokens + MooncakeTrace.BLOCK_TOKENS - 1) / MooncakeTrace.BLOCK_TOKENS;
        }
    }
}
