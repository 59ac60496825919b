package io.inferrouter.bench.decision;

import io.inferrouter.gateway.config.ProfileConfig;
import io.inferrouter.gateway.decisions.DecisionRecorder;
import io.inferrouter.gateway.routing.Target;
import io.inferrouter.gateway.scheduler.Decision;
import io.inferrouter.gateway.scheduler.KvCacheScorer;
import io.inferrouter.gateway.scheduler.MaxScorePicker;
import io.inferrouter.gateway.scheduler.PrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.PromptBlocks;
import io.inferrouter.gateway.scheduler.QueueScorer;
import io.inferrouter.gateway.scheduler.SaturationDetector;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.gateway.scheduler.SchedulingContext;
import io.inferrouter.gateway.scheduler.SchedulingRequest;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.EndpointLoad;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.metrics.ScrapeFacts;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.JsonSerde;
import io.inferrouter.schemas.tables.EndpointRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Time of one scheduling decision with GIE's default profile (queue 2, KV-cache 2, prefix-cache 3,
 * max-score picker) on an 8,000-character prompt, for pools of 10, 100 and 1,000 endpoints. The
 * prefix index holds earlier prompts that share the request's system prompt, as in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecisionTimeBenchmark {

    private static final ResourceKey POOL = ResourceKey.of("bench", "pool");

    @Param({"10", "100", "1000"})
    public int endpoints;

    @Param({"8000"})
    public int promptChars;

    private PrefixIndex index;
    private Scheduler scheduler;
    private PoolSnapshot pool;
    private SchedulingRequest request;
    private final SaturationDetector saturation = new SaturationDetector(5, 0.8, 200);
    private final Target target = new Target(POOL, "llama", "llama", Criticality.Standard, null, 0);
    private final JsonSerde<RoutingDecision> serde = new JsonSerde<>(RoutingDecision.class);
    private RoutingDecision last;
    private final DecisionRecorder recorder = new DecisionRecorder("bench", 32, d -> last = d);

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        long now = System.currentTimeMillis();
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            EndpointId id = new EndpointId("bench", "pod-" + i, 8000);
            EngineReport report = new EngineReport("vllm", EngineLoad.of(random.nextInt(20), random.nextInt(64),
                    random.nextDouble()), new CacheGeometry(16, 28000, 0L, 0L),
                    new ScrapeFacts(100, null, now, Long.MAX_VALUE / 4, "bench"));
            list.add(new Endpoint(new EndpointRow(POOL, id, "10.0." + (i / 250) + "." + (i % 250), 8000, Map.of(),
                    report, now), new EndpointLoad()));
        }
        pool = new PoolSnapshot(POOL, null, list, 16);
        index = new PrefixIndex(31_250, 100_000);
        scheduler = gieDefault(index);
        String system = randomText(random, promptChars / 2);
        for (int i = 0; i < 200; i++) {
            String earlier = system + randomText(random, promptChars / 2);
            index.record(POOL, PromptBlocks.hash(earlier, "llama", 64, 256),
                    list.get(random.nextInt(list.size())).id());
        }
        index.awaitApplied(10_000);
        request = new SchedulingRequest("llama", system + randomText(random, promptChars - system.length()), false, false);
        decideAndRecord();
    }

    /** GIE's default profile (queue 2, KV-cache 2, prefix-cache 3, max-score picker), staleness ignored. */
    public static Scheduler gieDefault(PrefixIndex index) {
        ProfileConfig gie = ProfileConfig.builtIn().get("default");
        return new Scheduler(gie.name(), List.of(), List.of(
                new Scheduler.WeightedScorer(new QueueScorer(), gie.scorers().get("queue")),
                new Scheduler.WeightedScorer(new KvCacheScorer(), gie.scorers().get("kv-cache")),
                new Scheduler.WeightedScorer(new PrefixCacheScorer(index, 256), gie.scorers().get("prefix-cache"))),
                new MaxScorePicker(), Long.MAX_VALUE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        index.close();
    }

    @Benchmark
    public Object decide() {
        return scheduler.schedule(request, pool, System.currentTimeMillis());
    }

    /**
     * What the request thread does for one decision with its record (issue 16): the saturation check
     * on the cycle's load, the decision, the draft's inputs fixed for the whole pool, one attempt, and
     * the event built at the end. Beside {@link #decide}, its difference is the record's cost on the
     * request path; turning the event into bytes happens on the decision log's own thread
     * ({@link #serializeRecord}).
     */
    @Benchmark
    public Object decideAndRecord() {
        long now = System.currentTimeMillis();
        SchedulingContext cycle = new SchedulingContext(request, pool, now);
        DecisionRecorder.Draft draft = recorder.start("bench-request", now);
        draft.request("llama", true, null, null);
        draft.target(target);
        draft.cycle(cycle);
        draft.saturation(new RoutingDecision.Saturation(saturation.saturated(cycle), 5, 0.8, 200));
        Decision decision = scheduler.schedule(cycle);
        draft.decision(decision, now);
        draft.attempt(decision.pick().id(), 200, null, 1_000);
        draft.chosen(decision.pick(), 1);
        recorder.finish(draft, 200, 1_000_000);
        return last;
    }

    /** The decision log's thread: one full record (32 candidates) to JSON bytes. */
    @Benchmark
    public byte[] serializeRecord() {
        return serde.serialize("decisions", last);
    }

    private static String randomText(Random random, int chars) {
        StringBuilder b = new StringBuilder(chars);
        while (b.length() < chars) {
            b.append((char) ('a' + random.nextInt(26)));
            if (random.nextInt(6) == 0) {
                b.append(' ');
            }
        }
        b.setLength(chars);
        return b.toString();
    }
}
