package io.inferrouter.gateway.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.routing.Target;
import io.inferrouter.gateway.scheduler.Decision;
import io.inferrouter.gateway.scheduler.KvCacheScorer;
import io.inferrouter.gateway.scheduler.LowKvCacheFilter;
import io.inferrouter.gateway.scheduler.LowQueueFilter;
import io.inferrouter.gateway.scheduler.MaxScorePicker;
import io.inferrouter.gateway.scheduler.OutstandingRequestsScorer;
import io.inferrouter.gateway.scheduler.PrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.QueueScorer;
import io.inferrouter.gateway.scheduler.RandomPicker;
import io.inferrouter.gateway.scheduler.RoundRobinPicker;
import io.inferrouter.gateway.scheduler.SaturationDetector;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.gateway.scheduler.SchedulingContext;
import io.inferrouter.gateway.scheduler.SchedulingRequest;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.EndpointLoad;
import io.inferrouter.gateway.tables.Endpoints;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.serde.JsonSerde;
import io.inferrouter.schemas.tables.EndpointRow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Decisions recorded as the gateway records them (through the JSON of the decisions topic) are
 * re-decided from their records alone: with the recorded profile every ranking comes out the same,
 * ties, stale endpoints, filters and prefix matches included; another profile, a changed seed or a
 * changed input gives other rankings, so the check can fail.
 */
class RedeciderTest {

    private static final long T0 = 1_790_000_000_000L;
    private static final long STALENESS_MS = 500;

    private final PrefixIndex index = new PrefixIndex(1_000, 10_000);
    private final JsonSerde<RoutingDecision> serde = new JsonSerde<>(RoutingDecision.class);
    private final Redecider redecider = new Redecider();

    @AfterEach
    void close() {
        index.close();
        redecider.close();
    }

    @Test
    void theRecordedProfileReproducesEveryRankingTiesIncluded() {
        for (Scheduler profile : List.of(maxScore(), roundRobin(), random())) {
            List<RoutingDecision> recorded = record(profile, 300, 11);
            long ties = recorded.stream().filter(RedeciderTest::hasTie).count();
            assertThat(ties).as("%s: the workload has ties for the seed to break", profile.profile())
                    .isGreaterThan(20);
            for (RoutingDecision d : recorded) {
                Redecider.Result r = redecider.redecide(d);
                assertThat(r.verdict()).as("%s %s: %s", profile.profile(), d.requestId(), r.reason())
                        .isEqualTo(Redecider.Verdict.SAME);
            }
        }
    }

    @Test
    void theReDecidedScoresAreTheRecordedOnes() {
        for (RoutingDecision d : record(maxScore(), 100, 5)) {
            Decision again = redecider.redecide(d).decision();
            for (int i = 0; i < d.candidates().size(); i++) {
                RoutingDecision.Candidate c = d.candidates().get(i);
                Decision.Scored s = again.scored().get(i);
                assertThat(s.endpoint().id()).isEqualTo(c.endpoint());
                assertThat(s.total()).isEqualTo(c.totalScore());
                assertThat(s.filteredBy()).isEqualTo(c.filteredBy());
            }
        }
    }

    @Test
    void anotherSeedAnotherProfileOrAnotherInputChangesRankings() {
        List<RoutingDecision> recorded = record(maxScore(), 300, 3);
        int seedChanged = 0;
        int profileChanged = 0;
        int loadChanged = 0;
        Scheduler leastOutstanding = new Scheduler("least", List.of(),
                List.of(new Scheduler.WeightedScorer(new OutstandingRequestsScorer(), 1)), new MaxScorePicker(),
                STALENESS_MS);
        for (RoutingDecision d : recorded) {
            if (redecider.redecide(withSeed(d, d.scheduling().seed() + 1)).verdict() == Redecider.Verdict.DIFFERENT) {
                seedChanged++;
            }
            if (redecider.redecide(d, leastOutstanding).verdict() == Redecider.Verdict.DIFFERENT) {
                profileChanged++;
            }
            if (redecider.redecide(withBusierFirst(d)).verdict() == Redecider.Verdict.DIFFERENT) {
                loadChanged++;
            }
        }
        assertThat(seedChanged).isGreaterThan(10);
        assertThat(profileChanged).isGreaterThan(10);
        assertThat(loadChanged).isGreaterThan(10);
    }

    @Test
    void recordsThatCannotBeReDecidedSaySo() {
        RoutingDecision d = record(maxScore(), 1, 1).get(0);
        RoutingDecision cut = new RoutingDecision(d.requestId(), d.receivedAtMs(), d.requestedModel(), d.targetModel(),
                d.pool(), d.objective(), d.criticality(), d.priority(), d.fairnessId(), d.profile(), d.stream(),
                d.candidates().subList(0, 2), d.chosenEndpoint(), d.decisionNanos(), d.outcome(), d.observedAtMs(),
                d.source(), d.scheduling(), d.attempts());
        assertThat(redecider.redecide(cut).verdict()).isEqualTo(Redecider.Verdict.SKIPPED);
        assertThat(redecider.redecide(cut).reason()).contains("keeps 2 of the pool's 6");
        RoutingDecision old = new RoutingDecision(d.requestId(), d.receivedAtMs(), d.requestedModel(), d.targetModel(),
                d.pool(), d.objective(), d.criticality(), d.priority(), d.fairnessId(), d.profile(), d.stream(),
                d.candidates(), d.chosenEndpoint(), d.decisionNanos(), d.outcome(), d.observedAtMs(), d.source());
        assertThat(redecider.redecide(old).reason()).contains("before version 5");
    }

    /** Records {@code n} decisions as the director does, with loads that move between them. */
    private List<RoutingDecision> record(Scheduler scheduler, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<RoutingDecision> out = new ArrayList<>();
        DecisionRecorder recorder = new DecisionRecorder("node-a", 32, out::add);
        SaturationDetector saturation = new SaturationDetector(5, 0.8, STALENESS_MS);
        Deque<Endpoint> inFlight = new ArrayDeque<>();
        String[] prefixes = {"system prompt A ", "system prompt B ", "a much longer shared system prompt C "};
        for (int i = 0; i < n; i++) {
            long now = T0 + i * 7L;
            // Three equal endpoints (ties), two busier, one whose metrics go stale.
            PoolSnapshot pool = pool(now);
            String prompt = prefixes[random.nextInt(prefixes.length)].repeat(20) + " question " + random.nextInt(4);
            SchedulingContext cycle = new SchedulingContext(new SchedulingRequest("m", prompt, false, false), pool, now);
            DecisionRecorder.Draft draft = recorder.start("req-" + i, now);
            draft.request("m", false, null, null);
            draft.target(new Target(Endpoints.POOL, "m", "m", Criticality.Standard, null, 0));
            draft.cycle(cycle);
            draft.saturation(new RoutingDecision.Saturation(saturation.saturated(cycle), 5, 0.8, STALENESS_MS));
            Decision decision = scheduler.schedule(cycle);
            draft.decision(decision, now);
            Endpoint picked = decision.pick();
            picked.load().started();
            inFlight.add(picked);
            draft.chosen(picked, 1);
            scheduler.served(cycle, picked);
            while (inFlight.size() > 4 || (!inFlight.isEmpty() && random.nextInt(3) == 0)) {
                inFlight.poll().load().finished();
            }
            recorder.finish(draft, 200, 1_000_000);
        }
        inFlight.forEach(e -> e.load().finished());
        return out.stream().map(d -> serde.deserialize("decisions", serde.serialize("decisions", d))).toList();
    }

    private final java.util.Map<String, EndpointLoad> loads = new java.util.HashMap<>();

    /**
     * Six endpoints with metrics scraped 50 ms before {@code now}: three equal (ties), two busier, and
     * one whose metrics stopped at the start (stale after {@link #STALENESS_MS}). The load counters live on.
     */
    private PoolSnapshot pool(long now) {
        List<Endpoint> endpoints = List.of(endpoint("a", 1, 0.2, now - 50), endpoint("b", 1, 0.2, now - 50),
                endpoint("c", 1, 0.2, now - 50), endpoint("d", 4, 0.5, now - 50), endpoint("e", 2, 0.9, now - 50),
                endpoint("f", 0, 0.1, T0));
        return new PoolSnapshot(Endpoints.POOL, null, endpoints, 16);
    }

    private Endpoint endpoint(String pod, int waiting, double kv, long observedAtMs) {
        EngineReport report = EngineReport.scraped("vllm", new EngineLoad(waiting, 3, kv, List.of(), List.of(), null),
                new CacheGeometry(16, 1000, 0L, 0L), 100, observedAtMs, "test");
        return new Endpoint(new EndpointRow(Endpoints.POOL, Endpoints.id(pod), "127.0.1.1", 8000, Map.of(), report,
                observedAtMs), loads.computeIfAbsent(pod, p -> new EndpointLoad()), 0, observedAtMs);
    }

    private Scheduler maxScore() {
        return new Scheduler("default", List.of(new LowQueueFilter(3), new LowKvCacheFilter(0.8)),
                List.of(new Scheduler.WeightedScorer(new QueueScorer(), 2),
                        new Scheduler.WeightedScorer(new KvCacheScorer(), 2),
                        new Scheduler.WeightedScorer(new PrefixCacheScorer(index, 64), 3)),
                new MaxScorePicker(), STALENESS_MS);
    }

    private Scheduler roundRobin() {
        return new Scheduler("rr", List.of(new LowKvCacheFilter(0.8)),
                List.of(new Scheduler.WeightedScorer(new QueueScorer(), 1)), new RoundRobinPicker(), STALENESS_MS);
    }

    private Scheduler random() {
        return new Scheduler("random", List.of(), List.of(new Scheduler.WeightedScorer(new QueueScorer(), 1)),
                new RandomPicker(), STALENESS_MS);
    }

    private static boolean hasTie(RoutingDecision d) {
        List<RoutingDecision.Candidate> scored = d.candidates().stream().filter(c -> c.filteredBy() == null).toList();
        return scored.size() > 1 && (float) scored.get(0).totalScore() == (float) scored.get(1).totalScore();
    }

    private static RoutingDecision withSeed(RoutingDecision d, long seed) {
        RoutingDecision.Scheduling s = d.scheduling();
        return with(d, d.candidates(), new RoutingDecision.Scheduling(s.configHash(), s.profileConfig(), seed,
                s.decidedAtMs(), s.saturation(), s.prefix(), s.poolRowOffset(), s.promptHashes(), s.promptHashTokens(),
                s.poolSize()));
    }

    /** The recorded first choice with three more requests in flight since its metrics. */
    private static RoutingDecision withBusierFirst(RoutingDecision d) {
        List<RoutingDecision.Candidate> cs = new ArrayList<>(d.candidates());
        RoutingDecision.Candidate c = cs.get(0);
        cs.set(0, new RoutingDecision.Candidate(c.endpoint(), c.address(), c.waitingRequests(), c.runningRequests(),
                c.kvCacheUsage(), c.metricsAgeMs(), c.inFlight() + 3, c.scores(), c.totalScore(), c.filteredBy(),
                c.inFlightSinceMetrics() + 3, c.loraRunning(), c.loraWaiting(), c.maxLora(), c.prefixBlocks(),
                c.rowOffset()));
        return with(d, cs, d.scheduling());
    }

    private static RoutingDecision with(RoutingDecision d, List<RoutingDecision.Candidate> candidates,
                                        RoutingDecision.Scheduling s) {
        return new RoutingDecision(d.requestId(), d.receivedAtMs(), d.requestedModel(), d.targetModel(), d.pool(),
                d.objective(), d.criticality(), d.priority(), d.fairnessId(), d.profile(), d.stream(), candidates,
                d.chosenEndpoint(), d.decisionNanos(), d.outcome(), d.observedAtMs(), d.source(), s, d.attempts());
    }
}
