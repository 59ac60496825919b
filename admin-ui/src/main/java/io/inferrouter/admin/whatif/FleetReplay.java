package io.inferrouter.admin.whatif;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.config.ProfileConfig;
import io.inferrouter.gateway.director.InferenceRequest;
import io.inferrouter.gateway.kv.KvBlockIndex;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.scheduler.Decision;
import io.inferrouter.gateway.scheduler.PrecisePrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrecisePrefixSources;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.Profiles;
import io.inferrouter.gateway.scheduler.RoundRobinPicker;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.gateway.scheduler.SchedulingContext;
import io.inferrouter.gateway.scheduler.SchedulingRequest;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tables.SnapshotBuilder;
import io.inferrouter.gateway.tokens.PromptForm;
import io.inferrouter.gateway.tokens.SimPromptTokenizer;
import io.inferrouter.gateway.tokens.Tokenizers;
import io.inferrouter.schemas.kv.BlockHasher;
import io.inferrouter.schemas.kv.KvEventBatch;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.traces.TraceRequest;
import io.inferrouter.sim.engine.Engine;
import io.inferrouter.sim.engine.EngineStats;
import io.inferrouter.sim.engine.KvEventSink;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.engine.SimRequest;
import io.inferrouter.sim.engine.TokenSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One replay of a trace window through one scheduler profile, on a virtual clock ({@link EventQueue}).
 * Built per run and used once: the engines, the gateway's tables, its prefix index and its KV block
 * index all start empty, as a freshly started fleet and gateway do.
 *
 * <p>The request path is the gateway's ({@code Director.route} and {@code UpstreamProxy.open}): a
 * {@link SchedulingContext} at the arrival's virtual time over the pool snapshot the gateway's tables
 * hold then, the profile's {@link Scheduler}, the first-ranked endpoint's {@code load().started()},
 * {@link Scheduler#served} when the first token comes back (the response head of a streamed
 * answer), {@code load().finished()} with the last. The tables are gateway-node's own
 * {@link SnapshotBuilder}, fed each pod's scrape {@code metricsDelay} after it was taken; the builder
 * calls {@code metricsArrived} as the gateway's replica does, so the queue estimate adds the
 * requests sent since the visible scrape.
 */
final class FleetReplay {

    static final ResourceKey POOL = ResourceKey.of("whatif", "pool");
    static final String SOURCE = "whatif";
    static final int PORT = 8000;
    /** How long model-sim's runner waits for a submit after a step that could run nothing. */
    private static final long STALL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Virtual time past the last arrival after which a replay that has not drained is a bug. */
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.DAYS.toNanos(7);

    private final ReplaySetup setup;
    private final String profile;
    private final ReplayListener listener;
    private final List<TraceRequest> trace;
    /** Trace positions in arrival order (stable for equal timestamps). */
    private final int[] order;
    private final long firstMs;
    private final long originMs;
    private final EventQueue queue = new EventQueue();
    private final Pod[] pods;
    private final Map<EndpointId, Pod> podsById = new HashMap<>();
    private final SnapshotBuilder tables = new SnapshotBuilder(GatewayMetrics.NOOP);
    private PoolSnapshot pool;
    private boolean tablesChanged;
    private final PrefixIndex prefixIndex;
    private final KvBlockIndex kvIndex;
    private final Scheduler scheduler;
    private final boolean kvEvents;
    /**
     * Whether the replay gives each request its tie-break seed (a function of the replay's seed and the
     * request), so that a replay is repeatable; not for round-robin, whose seed is the request's turn,
     * which its picker counts itself.
     */
    private final boolean seedTieBreaks;
    private final long tieBreakSeed;
    private final int promptChars;
    private final SyntheticPrompts prompts;
    private final long frontendNanos;
    private final double timeScale;
    private final long scrapeNanos;
    private final long metricsDelayNanos;
    private final long kvDelayNanos;
    private final long warmUpNanos;

    private final SchedulingContext[] contexts;
    private final Endpoint[] endpoints;
    private final int[] podOf;
    private final long[] arrivalNanos;
    private final long[] firstTokenNanos;
    private final long[] lastTokenNanos;
    private final int[] promptTokens;
    private final int[] cachedTokens;
    private final int[] outputTokens;
    private final String[] errors;
    private int ended;
    private long warmUpEndNanos = -1;

    FleetReplay(ReplaySetup setup, String profile, List<TraceRequest> trace, ReplayListener listener) {
        if (trace.isEmpty()) {
            throw new IllegalArgumentException("the trace window has no requests");
        }
        GatewayConfig gateway = setup.gateway();
        if (!gateway.profiles().containsKey(profile)) {
            throw new IllegalArgumentException("unknown scheduler profile '" + profile
                    + "'; the gateway configuration has " + gateway.profiles().keySet());
        }
        this.setup = setup;
        this.profile = profile;
        this.listener = listener;
        this.trace = trace;
        this.order = arrivalOrder(trace);
        this.firstMs = trace.get(order[0]).timestampMs();
        this.originMs = Math.max(1, firstMs);
        FleetShape fleet = setup.fleet();
        this.timeScale = fleet.sim().timeScale();
        this.frontendNanos = Math.round(fleet.sim().frontendMs() * 1e6 * timeScale);
        this.scrapeNanos = setup.delays().scrapeInterval().toNanos();
        this.metricsDelayNanos = setup.delays().metricsDelay().toNanos();
        this.kvDelayNanos = setup.delays().kvEventDelay().toNanos();
        this.warmUpNanos = setup.warmUp().toNanos();
        this.prompts = new SyntheticPrompts(setup.seed());

        ProfileConfig profileConfig = gateway.profiles().get(profile);
        this.kvEvents = profileConfig.scorers().containsKey(PrecisePrefixCacheScorer.NAME);
        this.seedTieBreaks = !RoundRobinPicker.NAME.equals(profileConfig.picker());
        this.tieBreakSeed = SyntheticPrompts.mix(setup.seed() ^ 0x3C6E_F372_FE94_F82BL);
        // The prompt text the gateway keeps for hashing, as Director does for the profile in use.
        this.promptChars = kvEvents
                ? InferenceRequest.promptCharsFor(gateway.prefixMaxBlocks(), gateway.precisePrefix().maxTokens())
                : InferenceRequest.promptCharsFor(gateway.prefixMaxBlocks());
        // Applied as each request is served, on this thread: a decision sees exactly what was served before it.
        this.prefixIndex = PrefixIndex.singleThreaded(gateway.prefixCapacityPerEndpoint());
        this.kvIndex = new KvBlockIndex(gateway.precisePrefix().maxBlocksPerEndpoint());
        // The pods are model-sim's: their tokenizer is the `sim` one whatever the configuration names
        // (the devstack's gateway runs with tokenizers.default=sim), and the index is complete from the start.
        PrecisePrefixSources precise = new PrecisePrefixSources(kvIndex, () -> true,
                Tokenizers.load(Map.of(), SimPromptTokenizer.SPEC),
                BlockHasher.seeded(gateway.precisePrefix().hashSeed()), gateway.precisePrefix().maxTokens(),
                GatewayMetrics.NOOP);
        this.scheduler = Profiles.build(gateway, prefixIndex, precise).get(profile);

        SplittableRandom phases = new SplittableRandom(SyntheticPrompts.mix(setup.seed()));
        int width = Integer.toString(fleet.pods() - 1).length();
        this.pods = new Pod[fleet.pods()];
        for (int i = 0; i < pods.length; i++) {
            String name = "pod-" + String.format("%0" + width + "d", i);
            pods[i] = new Pod(i, name, fleet.podConfig(i), kvEvents);
            podsById.put(pods[i].id, pods[i]);
            // Ready before the first request, not yet scraped: no report, as a new pod's row.
            tables.endpoint(POOL, pods[i].id, row(pods[i], null));
            queue.schedule(phases.nextLong(scrapeNanos), new Event.Scrape(i));
        }
        tablesChanged = true;

        int n = trace.size();
        contexts = new SchedulingContext[n];
        endpoints = new Endpoint[n];
        podOf = new int[n];
        arrivalNanos = new long[n];
        firstTokenNanos = new long[n];
        lastTokenNanos = new long[n];
        promptTokens = new int[n];
        cachedTokens = new int[n];
        outputTokens = new int[n];
        errors = new String[n];
        Arrays.fill(podOf, -1);
        for (int k = 0; k < n; k++) {
            arrivalNanos[k] = TimeUnit.MILLISECONDS.toNanos(trace.get(k).timestampMs() - firstMs);
        }
        queue.schedule(warmUpNanos, new Event.WarmUpEnd());
        queue.schedule(0, new Event.Arrival(0));
    }

    /** Runs the replay to the end of its last request. */
    ReplayResult run() {
        long wallStart = System.nanoTime();
        try {
            long limit = arrivalNanos[order[order.length - 1]] + DRAIN_LIMIT_NANOS;
            while (ended < trace.size()) {
                EventQueue.Timed t = queue.next();
                if (t == null || t.atNanos() > limit) {
                    throw new IllegalStateException("the replay of profile '" + profile + "' did not drain: "
                            + (trace.size() - ended) + " requests still open at " + queue.now() / 1e9 + " s");
                }
                handle(t.event());
            }
        } finally {
            prefixIndex.close();
        }
        long end = queue.now();
        for (Pod p : pods) {
            p.advance(end);
        }
        return result(end, (System.nanoTime() - wallStart) / 1e9);
    }

    private void handle(Event e) {
        switch (e) {
            case Event.Arrival a -> arrive(a.request());
            case Event.Submit s -> submit(s);
            case Event.StepStart s -> startStep(pods[s.pod()], s.generation());
            case Event.StepEnd s -> endStep(pods[s.pod()], s.step());
            case Event.Scrape s -> scrape(pods[s.pod()]);
            case Event.MetricsVisible m -> {
                tables.endpoint(POOL, pods[m.pod()].id, row(pods[m.pod()], m.report()));
                tablesChanged = true;
            }
            case Event.KvVisible k -> kvIndex.apply(k.record());
            case Event.WarmUpEnd w -> {
                warmUpEndNanos = queue.now();
                for (Pod p : pods) {
                    p.markWarmUpEnd(queue.now());
                }
            }
        }
    }

    private void arrive(int position) {
        if (position + 1 < order.length) {
            queue.schedule(arrivalNanos[order[position + 1]], new Event.Arrival(position + 1));
        }
        int k = order[position];
        TraceRequest r = trace.get(k);
        String model = r.model() == null ? setup.defaultModel() : r.model();
        promptTokens[k] = r.inputLength();
        if (!setup.fleet().serves(model)) {
            // The gateway answers 404 for a model its tables do not claim: nothing is scheduled.
            fail(k, "the model '" + model + "' is not served by the fleet");
            return;
        }
        SyntheticPrompts.Prompt prompt = prompts.of(r, k);
        String text = prompt.text();
        boolean cut = text.length() > promptChars;
        long nowMs = nowMs();
        SchedulingContext context = new SchedulingContext(new SchedulingRequest(model,
                cut ? text.substring(0, promptChars) : text, PromptForm.TEXT, cut, false, false), snapshot(), nowMs);
        if (seedTieBreaks) {
            context.seed(SyntheticPrompts.mix(tieBreakSeed + k));
        }
        Decision decision = scheduler.schedule(context);
        listener.decided(k, nowMs, decision);
        Endpoint endpoint = decision.ranked().get(0);
        Pod pod = podsById.get(endpoint.id());
        endpoint.load().started();
        contexts[k] = context;
        endpoints[k] = endpoint;
        podOf[k] = pod.index;
        String lora = model.equals(setup.fleet().sim().model()) ? null : model;
        queue.schedule(queue.now() + frontendNanos, new Event.Submit(k, prompt.tokens(), lora));
    }

    private void submit(Event.Submit s) {
        int k = s.request();
        Pod pod = pods[podOf[k]];
        SimRequest request = new SimRequest("whatif-" + k, s.tokens(), trace.get(k).outputLength(), s.lora(),
                pod.engine.hasher(), pod.cfg.blockSize(), new RequestSink(k), queue.now());
        try {
            pod.engine.submit(request);
        } catch (IllegalArgumentException tooLong) {
            // The pod answers 400; the gateway passes it on and the request ends.
            endpoints[k].load().finished();
            contexts[k] = null;
            fail(k, tooLong.getMessage());
            return;
        }
        pod.advance(queue.now());
        pod.refresh();
        if (!pod.stepping) {
            wake(pod, queue.now());
        }
    }

    /** Plans the pod's next step now (a submit wakes an idle or stalled engine at once). */
    private void wake(Pod pod, long at) {
        pod.generation++;
        queue.schedule(at, new Event.StepStart(pod.index, pod.generation));
    }

    private void startStep(Pod pod, long generation) {
        if (generation != pod.generation || pod.stepping || !pod.engine.hasWork()) {
            return;
        }
        long now = queue.now();
        Engine.Step step = pod.engine.step();
        publishKvEvents(pod, now);
        pod.advance(now);
        pod.refresh();
        if (step.idle()) {
            // Work that cannot run yet (no free blocks, no LoRA slot): the runner waits for a submit or 5 ms.
            pod.generation++;
            queue.schedule(now + STALL_RETRY_NANOS, new Event.StepStart(pod.index, pod.generation));
            return;
        }
        pod.stepping = true;
        queue.schedule(now + Math.round(step.modelMs() * 1e6 * timeScale), new Event.StepEnd(pod.index, step));
    }

    private void endStep(Pod pod, Engine.Step step) {
        long now = queue.now();
        pod.advance(now);
        pod.stepping = false;
        pod.engine.deliver(step, now, Engine.Observer.NONE);
        pod.refresh();
        if (pod.engine.hasWork()) {
            wake(pod, now);
        }
    }

    private void publishKvEvents(Pod pod, long now) {
        if (pod.kvOut.isEmpty()) {
            return;
        }
        for (KvEventBatch batch : pod.kvOut) {
            queue.schedule(now + kvDelayNanos, new Event.KvVisible(KvEventsRecord.batch(pod.id, POOL, ++pod.kvSeq,
                    batch, nowMs(), SOURCE)));
        }
        pod.kvOut.clear();
    }

    private void scrape(Pod pod) {
        long now = queue.now();
        queue.schedule(now + scrapeNanos, new Event.Scrape(pod.index));
        EngineStats s = pod.engine.stats();
        SimConfig c = pod.cfg;
        // What model-sim's /metrics shows and state-ingestor reads from it (vLLM's names).
        EngineReport report = EngineReport.scraped(EngineReport.DEFAULT_ENGINE,
                new EngineLoad(pod.engine.waitingNow(), s.running(), s.kvUsage(), s.loraRunning(), s.loraWaiting(),
                        c.maxLoras()),
                new CacheGeometry(c.blockSize(), c.numGpuBlocks(), s.prefixQueries(), s.prefixHits()), 0, nowMs(),
                SOURCE);
        queue.schedule(now + metricsDelayNanos, new Event.MetricsVisible(pod.index, report));
    }

    /** The pool as the gateway's tables hold it now; rebuilt only when a row changed since. */
    private PoolSnapshot snapshot() {
        if (tablesChanged) {
            pool = tables.build().pools().get(POOL);
            tablesChanged = false;
        }
        return pool;
    }

    private long nowMs() {
        return originMs + Math.floorDiv(queue.now(), 1_000_000L);
    }

    private static EndpointRow row(Pod pod, EngineReport report) {
        return new EndpointRow(POOL, pod.id, pod.address, PORT, Map.of(), report,
                report == null ? 0 : report.observedAtMs());
    }

    private void fail(int k, String error) {
        errors[k] = error;
        lastTokenNanos[k] = queue.now();
        ended++;
    }

    private static int[] arrivalOrder(List<TraceRequest> trace) {
        Integer[] boxed = new Integer[trace.size()];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, Comparator.comparingLong(i -> trace.get(i).timestampMs()));
        int[] out = new int[boxed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    private ReplayResult result(long endNanos, double wallSeconds) {
        long from = warmUpEndNanos < 0 ? endNanos : warmUpEndNanos;
        int n = trace.size();
        List<RequestOutcome> outcomes = new ArrayList<>(n);
        List<Double> ttft = new ArrayList<>();
        List<Double> tpot = new ArrayList<>();
        List<Double> e2e = new ArrayList<>();
        int[] perPod = new int[pods.length];
        int measured = 0;
        int failed = 0;
        for (int k : order) {
            boolean inWindow = arrivalNanos[k] >= warmUpNanos;
            RequestOutcome o = outcome(k, inWindow);
            outcomes.add(o);
            if (!inWindow) {
                continue;
            }
            measured++;
            if (podOf[k] >= 0) {
                perPod[podOf[k]]++;
            }
            if (!o.ok()) {
                failed++;
                continue;
            }
            ttft.add(o.ttftMs());
            tpot.add(o.tpotMs());
            e2e.add(o.e2eMs());
        }
        long queries = 0;
        long hits = 0;
        long preemptions = 0;
        List<PodLoad> loads = new ArrayList<>(pods.length);
        double span = endNanos - from;
        for (Pod p : pods) {
            EngineStats s = p.engine.stats();
            long q = s.prefixQueries() - p.atWarmUp.prefixQueries();
            long h = s.prefixHits() - p.atWarmUp.prefixHits();
            long pre = s.preemptions() - p.atWarmUp.preemptions();
            queries += q;
            hits += h;
            preemptions += pre;
            loads.add(new PodLoad(p.name, perPod[p.index], share(p.runningArea - p.areasAtWarmUp[0], span),
                    share(p.waitingArea - p.areasAtWarmUp[1], span), share(p.busyArea - p.areasAtWarmUp[2], span),
                    q, h, pre));
        }
        return new ReplayResult(profile, n, measured, failed, summary(ttft), summary(tpot), summary(e2e),
                queries == 0 ? Double.NaN : (double) hits / queries, preemptions, loads, outcomes, endNanos / 1e9,
                wallSeconds);
    }

    private RequestOutcome outcome(int k, boolean measured) {
        String pod = podOf[k] < 0 ? null : pods[podOf[k]].name;
        double arrivalS = arrivalNanos[k] / 1e9;
        if (errors[k] != null) {
            return new RequestOutcome(k, arrivalS, pod, Double.NaN, Double.NaN, Double.NaN, promptTokens[k], 0, 0,
                    measured, errors[k]);
        }
        double ttft = (firstTokenNanos[k] - arrivalNanos[k]) / 1e6;
        double e2e = (lastTokenNanos[k] - arrivalNanos[k]) / 1e6;
        double tpot = outputTokens[k] > 1 ? (lastTokenNanos[k] - firstTokenNanos[k]) / 1e6 / (outputTokens[k] - 1)
                : Double.NaN;
        return new RequestOutcome(k, arrivalS, pod, ttft, tpot, e2e, promptTokens[k], cachedTokens[k],
                outputTokens[k], measured, null);
    }

    private static LatencySummary summary(List<Double> ms) {
        return LatencySummary.of(ms.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double share(double area, double span) {
        return span <= 0 ? Double.NaN : area / span;
    }

    /** Where an engine hands one request's tokens, at the virtual time its step ends. */
    private final class RequestSink implements TokenSink {
        private final int k;

        RequestSink(int k) {
            this.k = k;
        }

        @Override
        public void token(int index, String text) {
            if (index == 0) {
                firstTokenNanos[k] = queue.now();
                // The response head: the gateway tells the profile's plugins which endpoint served.
                scheduler.served(contexts[k], endpoints[k]);
                contexts[k] = null;
            }
        }

        @Override
        public void finished(int prompt, int cached, int output) {
            lastTokenNanos[k] = queue.now();
            cachedTokens[k] = cached;
            outputTokens[k] = output;
            endpoints[k].load().finished();
            ended++;
        }

        @Override
        public void failed(String reason) {
            endpoints[k].load().finished();
            contexts[k] = null;
            fail(k, reason);
        }
    }

    /** One simulated pod: its engine, whether a step is running, and its load integrated over virtual time. */
    private static final class Pod {
        final int index;
        final String name;
        final EndpointId id;
        final String address;
        final SimConfig cfg;
        final Engine engine;
        final List<KvEventBatch> kvOut = new ArrayList<>();
        boolean stepping;
        long generation;
        long kvSeq;
        private long lastNanos;
        private int running;
        private int waiting;
        double runningArea;
        double waitingArea;
        double busyArea;
        double[] areasAtWarmUp = new double[3];
        EngineStats atWarmUp = new EngineStats(0, 0, 0, List.of(), List.of(), 0, 0, 0, 0);

        Pod(int index, String name, SimConfig cfg, boolean kvEvents) {
            this.index = index;
            this.name = name;
            this.id = new EndpointId(POOL.namespace(), name, PORT);
            this.address = "10.0." + (index / 250) + "." + (index % 250 + 1);
            this.cfg = cfg;
            // KV events only for a profile that reads them: building them costs per stored block.
            this.engine = kvEvents ? new Engine(cfg, kvOut::add) : new Engine(cfg, KvEventSink.NONE);
        }

        /** Adds the time since the last call at the load held since then. */
        void advance(long now) {
            long dt = now - lastNanos;
            runningArea += (double) running * dt;
            waitingArea += (double) waiting * dt;
            busyArea += stepping ? dt : 0;
            lastNanos = now;
        }

        /** Reads the engine's running and waiting counts, as its metrics would show them now. */
        void refresh() {
            running = engine.stats().running();
            waiting = engine.waitingNow();
        }

        void markWarmUpEnd(long now) {
            advance(now);
            areasAtWarmUp = new double[] {runningArea, waitingArea, busyArea};
            atWarmUp = engine.stats();
        }
    }
}
