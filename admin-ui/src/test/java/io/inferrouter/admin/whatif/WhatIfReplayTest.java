package io.inferrouter.admin.whatif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.schemas.traces.TraceRequest;
import io.inferrouter.sim.engine.SimConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhatIfReplayTest {

    private static final GatewayConfig GATEWAY = gateway(Map.of());
    private static final FleetShape FLEET = new FleetShape(4, SimConfig.defaults().withCache(1_000));
    private static final List<TraceRequest> W2 = Traces.w2(16, 20, 10, 42);

    @Test
    void theSameTraceAndSeedReplayToIdenticalResults() {
        WhatIfReplay replay = new WhatIfReplay(ReplaySetup.of(FLEET, GATEWAY).withSeed(5));

        for (String profile : List.of("round-robin", "default", "precise")) {
            ReplayResult first = replay.run(W2, profile);
            ReplayResult second = replay.run(W2, profile);

            assertThat(second.outcomes()).as(profile).isEqualTo(first.outcomes());
            assertThat(second.pods()).as(profile).isEqualTo(first.pods());
            assertThat(second.ttftMs()).as(profile).isEqualTo(first.ttftMs());
            assertThat(second.prefixHitRate()).as(profile).isEqualTo(first.prefixHitRate());
        }
    }

    @Test
    void everyRequestIsServedAndAccountedFor() {
        ReplayResult r = new WhatIfReplay(ReplaySetup.of(FLEET, GATEWAY)).run(W2, "default");

        assertThat(r.requests()).isEqualTo(W2.size());
        assertThat(r.measured()).isEqualTo(W2.size());
        assertThat(r.failed()).isZero();
        assertThat(r.ttftMs().count()).isEqualTo(W2.size());
        assertThat(r.outcomes()).allSatisfy(o -> {
            assertThat(o.ok()).isTrue();
            assertThat(o.pod()).matches("pod-[0-3]");
            assertThat(o.outputTokens()).isEqualTo(64);
            assertThat(o.promptTokens()).isEqualTo(576);
            assertThat(o.ttftMs()).isPositive();
            assertThat(o.e2eMs()).isGreaterThan(o.ttftMs());
            assertThat(o.tpotMs()).isCloseTo((o.e2eMs() - o.ttftMs()) / 63, offset(1e-9));
        });
        assertThat(r.outcomes()).extracting(RequestOutcome::arrivalS).isSorted();
        assertThat(r.pods()).extracting(PodLoad::pod).containsExactly("pod-0", "pod-1", "pod-2", "pod-3");
        assertThat(r.pods().stream().mapToInt(PodLoad::requests).sum()).isEqualTo(W2.size());
        assertThat(r.pods()).allSatisfy(p -> assertThat(p.busyShare()).isBetween(0.0, 1.0));
        // The last request ends after it arrives, in virtual time; the fleet's counters saw every prompt.
        assertThat(r.virtualSeconds()).isGreaterThan(W2.get(W2.size() - 1).timestampMs() / 1000.0);
        assertThat(r.pods().stream().mapToLong(PodLoad::prefixQueries).sum()).isEqualTo(576L * W2.size());
        assertThat(r.speed()).isPositive();
    }

    @Test
    void aRequestDecidedBeforeANewerScrapeIsVisibleSeesTheOlderReport() {
        // Scrapes every 50 ms, visible 30 ms later: between a scrape and its visibility the gateway
        // still holds the one before, 50-80 ms old.
        PipelineDelays delays = new PipelineDelays(Duration.ofMillis(50), Duration.ofMillis(30), Duration.ZERO);
        List<Long> ages = new ArrayList<>();
        int[] unscraped = new int[1];
        new WhatIfReplay(ReplaySetup.of(FLEET, GATEWAY).withDelays(delays)).run(W2, "queue-kv",
                (request, nowMs, decision) -> {
                    for (Endpoint e : decision.ranked()) {
                        if (e.report() == null) {
                            unscraped[0]++;
                        } else {
                            ages.add(nowMs - e.report().observedAtMs());
                        }
                    }
                });

        // Never a scrape before it is visible; never one older than the latest visible (ms rounding: 1 ms).
        assertThat(ages).allSatisfy(age -> assertThat(age).isBetween(29L, 80L));
        assertThat(ages).anySatisfy(age -> assertThat(age).isGreaterThanOrEqualTo(51L));
        assertThat(ages).anySatisfy(age -> assertThat(age).isLessThan(49L));
        // Only decisions in the first 80 ms can come before a pod's first visible scrape.
        long early = W2.stream().filter(t -> t.timestampMs() - W2.get(0).timestampMs() < 80).count();
        assertThat(unscraped[0]).isLessThanOrEqualTo((int) early * FLEET.pods());
    }

    @Test
    void withoutVisibleMetricsTheGatewaysOwnInFlightCountSpreadsTheLoad() {
        // Metrics never arrive within the window: every endpoint keeps its first report-less row, and the
        // requests the gateway sent since are all the queue estimate knows.
        PipelineDelays blind = new PipelineDelays(Duration.ofHours(1), Duration.ofHours(1), Duration.ZERO);
        List<TraceRequest> burst = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            burst.add(new TraceRequest(0, null, 64, 200, new long[0], 16));
        }
        List<Integer> inFlightOfPick = new ArrayList<>();
        ReplayResult r = new WhatIfReplay(ReplaySetup.of(FLEET, GATEWAY).withDelays(blind)).run(burst, "queue-kv",
                (request, nowMs, decision) -> inFlightOfPick.add(decision.ranked().get(0).load().inFlight()));

        // Twelve requests at one instant over four pods: the least loaded pod each time, three each.
        assertThat(inFlightOfPick).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
        assertThat(r.pods()).allSatisfy(p -> assertThat(p.requests()).isEqualTo(3));
    }

    @Test
    void prefixAffinityKeepsGroupsOnPodsWhereRoundRobinThrashesTheCaches() {
        // 32 groups of 1,024-token system prompts: 2,048 blocks, two pods' caches; round-robin sends
        // every group to every pod.
        List<TraceRequest> trace = Traces.sharedPrefix(32, 1024, 64, 16, 64, 20, 30, 3);
        WhatIfReplay replay = new WhatIfReplay(ReplaySetup.of(FLEET, GATEWAY).withWarmUp(Duration.ofSeconds(5)));

        List<ReplayResult> results = replay.runAll(trace, List.of("round-robin", "default"));

        assertThat(results.get(1).prefixHitRate()).isGreaterThan(results.get(0).prefixHitRate() + 0.2);
    }

    @Test
    void thePreciseScorerReadsThePodsKvEvents() {
        // An approximate index that remembers one block per endpoint matches nothing: only the KV
        // events can tell where a prefix is cached.
        GatewayConfig forgetful = gateway(Map.of("GATEWAY_PREFIX_CAPACITY_PER_ENDPOINT", "1"));
        List<TraceRequest> trace = Traces.sharedPrefix(32, 1024, 64, 16, 64, 20, 30, 3);
        WhatIfReplay replay = new WhatIfReplay(ReplaySetup.of(FLEET, forgetful).withWarmUp(Duration.ofSeconds(5)));

        List<ReplayResult> results = replay.runAll(trace, List.of("default", "precise"));

        assertThat(results.get(1).prefixHitRate()).isGreaterThan(results.get(0).prefixHitRate() + 0.2);
    }

    @Test
    void warmUpRequestsAreReplayedButNotMeasured() {
        ReplayResult r = new WhatIfReplay(ReplaySetup.of(FLEET, GATEWAY).withWarmUp(Duration.ofSeconds(4)))
                .run(W2, "round-robin");

        long first = W2.get(0).timestampMs();
        long warm = W2.stream().filter(t -> t.timestampMs() - first < 4_000).count();
        assertThat(r.measured()).isEqualTo(W2.size() - (int) warm);
        assertThat(r.ttftMs().count()).isEqualTo(r.measured());
        assertThat(r.outcomes().stream().filter(o -> !o.measured()).count()).isEqualTo(warm);
        assertThat(r.pods().stream().mapToInt(PodLoad::requests).sum()).isEqualTo(r.measured());
    }

    @Test
    void aRequestThePodsCannotServeFailsAloneWithTheirAnswer() {
        List<TraceRequest> trace = List.of(
                new TraceRequest(0, null, 100, 10, new long[0], 16),
                new TraceRequest(1, null, 40_000, 10, new long[0], 16),
                new TraceRequest(2, "no-such-model", 100, 10, new long[0], 16),
                new TraceRequest(3, null, 100, 10, new long[0], 16));

        ReplayResult r = new WhatIfReplay(ReplaySetup.of(FLEET, GATEWAY)).run(trace, "default");

        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.outcomes().get(1).error()).contains("maximum context length");
        assertThat(r.outcomes().get(2).error()).contains("'no-such-model' is not served");
        assertThat(r.outcomes().get(2).pod()).isNull();
        assertThat(r.outcomes().get(0).ok()).isTrue();
        assertThat(r.outcomes().get(3).ok()).isTrue();
        assertThat(r.ttftMs().count()).isEqualTo(2);
    }

    @Test
    void theTraceIsReplayedInTimestampOrder() {
        List<TraceRequest> trace = List.of(
                new TraceRequest(500, null, 100, 2, new long[0], 16),
                new TraceRequest(100, null, 100, 2, new long[0], 16));

        ReplayResult r = new WhatIfReplay(ReplaySetup.of(FLEET, GATEWAY)).run(trace, "round-robin");

        assertThat(r.outcomes()).extracting(RequestOutcome::index).containsExactly(1, 0);
        assertThat(r.outcomes()).extracting(RequestOutcome::arrivalS).containsExactly(0.0, 0.4);
    }

    @Test
    void badInputIsRefusedSayingWhatIsWrong() {
        WhatIfReplay replay = new WhatIfReplay(ReplaySetup.of(FLEET, GATEWAY));

        assertThatThrownBy(() -> replay.run(W2, "nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown scheduler profile 'nope'").hasMessageContaining("round-robin");
        assertThatThrownBy(() -> replay.run(List.of(), "default")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no requests");
        assertThatThrownBy(() -> replay.runAll(W2, List.of("default", "nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> new ReplaySetup(FLEET, GATEWAY, PipelineDelays.defaults(), "other-model",
                Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'other-model' is not served");
        assertThatThrownBy(() -> new PipelineDelays(Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scrape interval");
    }

    static GatewayConfig gateway(Map<String, String> env) {
        return GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), env));
    }
}
