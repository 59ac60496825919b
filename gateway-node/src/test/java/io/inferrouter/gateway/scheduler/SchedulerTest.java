package io.inferrouter.gateway.scheduler;

import static io.inferrouter.gateway.tables.Endpoints.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.Endpoints;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    private static final long NOW = 10_000;
    private static final SchedulingRequest REQUEST = new SchedulingRequest("m", "", false, false);

    private static Scheduler queueAndKv(List<Filter> filters) {
        return new Scheduler("test", filters, List.of(new Scheduler.WeightedScorer(new QueueScorer(), 2),
                new Scheduler.WeightedScorer(new KvCacheScorer(), 2)), new MaxScorePicker(), 200);
    }

    @Test
    void theWeightedSumPicksTheLeastLoadedEndpoint() {
        Endpoint idle = endpoint("a", 0, 0.1, NOW);
        Endpoint busy = endpoint("b", 8, 0.7, NOW);
        Decision d = queueAndKv(List.of()).schedule(REQUEST, Endpoints.pool(busy, idle), NOW);
        assertThat(d.pick()).isEqualTo(idle);
        assertThat(d.ranked()).containsExactly(idle, busy);
        assertThat(d.scored().get(0).total()).isEqualTo(2 * 1.0 + 2 * 0.9, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(d.scorerNames()).containsExactly("queue", "kv-cache");
    }

    @Test
    void staleEndpointsAreRankedLast() {
        Endpoint stale = endpoint("s", 0, 0.0, NOW - 5_000);
        Endpoint fresh = endpoint("f", 9, 0.9, NOW);
        Endpoint never = Endpoints.withoutMetrics("n");
        Decision d = queueAndKv(List.of()).schedule(REQUEST, Endpoints.pool(stale, never, fresh), NOW);
        assertThat(d.pick()).isEqualTo(fresh);
        assertThat(d.ranked()).hasSize(3);
        assertThat(d.scored().subList(1, 3)).allMatch(s -> "stale-metrics".equals(s.filteredBy()));
    }

    @Test
    void onlyStaleEndpointsAreStillUsable() {
        Endpoint stale = endpoint("s", 0, 0.0, NOW - 5_000);
        Decision d = queueAndKv(List.of()).schedule(REQUEST, Endpoints.pool(stale), NOW);
        assertThat(d.pick()).isEqualTo(stale);
    }

    @Test
    void whenEveryEndpointIsStaleTheOneWithFewestInFlightComesFirst() {
        Endpoint a = endpoint("a", 0, 0.0, NOW - 5_000);
        Endpoint b = endpoint("b", 0, 0.0, NOW - 5_000);
        Endpoint c = endpoint("c", 0, 0.0, NOW - 5_000);
        a.load().started();
        a.load().started();
        c.load().started();
        Decision d = queueAndKv(List.of()).schedule(REQUEST, Endpoints.pool(a, b, c), NOW);
        assertThat(d.ranked()).containsExactly(b, c, a);
    }

    @Test
    void whenEveryEndpointIsStaleTheyAreStillScoredSoAffinityIsNotLost() {
        Endpoint a = endpoint("a", 0, 0.0, NOW - 5_000);
        Endpoint holder = endpoint("b", 0, 0.0, NOW - 5_000);
        Endpoint c = endpoint("c", 0, 0.0, NOW - 5_000);
        // A stand-in for prefix affinity: a scorer that reads no metrics and prefers one endpoint.
        Scorer affinity = new Scorer() {
            @Override
            public String name() {
                return "affinity";
            }

            @Override
            public double[] score(SchedulingContext context, List<Endpoint> candidates) {
                return candidates.stream().mapToDouble(e -> e == holder ? 1 : 0).toArray();
            }
        };
        Scheduler scheduler = new Scheduler("test", List.of(), List.of(new Scheduler.WeightedScorer(new QueueScorer(), 2),
                new Scheduler.WeightedScorer(affinity, 1)), new MaxScorePicker(), 200);
        Decision d = scheduler.schedule(REQUEST, Endpoints.pool(a, holder, c), NOW);
        assertThat(d.pick()).isEqualTo(holder);
        assertThat(d.scored()).allMatch(s -> s.filteredBy() == null);
        // The queue estimate counts this gateway's requests since the (old) metrics: a busy holder loses.
        for (int i = 0; i < 3; i++) {
            holder.load().started();
        }
        assertThat(scheduler.schedule(REQUEST, Endpoints.pool(a, holder, c), NOW).pick()).isNotEqualTo(holder);
    }

    @Test
    void whenEveryEndpointIsStaleTiesAreBrokenAtRandomNotByTableOrder() {
        Endpoint a = endpoint("a", 0, 0.0, NOW - 5_000);
        Endpoint b = endpoint("b", 0, 0.0, NOW - 5_000);
        Endpoint c = endpoint("c", 0, 0.0, NOW - 5_000);
        java.util.Map<Endpoint, Integer> picks = new java.util.HashMap<>();
        Scheduler scheduler = queueAndKv(List.of());
        for (int i = 0; i < 300; i++) {
            picks.merge(scheduler.schedule(REQUEST, Endpoints.pool(a, b, c), NOW).pick(), 1, Integer::sum);
        }
        // 300 fair draws over 3: each is picked 100 +- 8 times (1 sd); 50 is over 6 sd away.
        assertThat(picks).containsOnlyKeys(a, b, c).allSatisfy((e, n) -> assertThat(n).isGreaterThan(50));
    }

    @Test
    void filteredOutEndpointsBecomeFallbacksAfterTheKeptOnes() {
        Endpoint idle = endpoint("a", 0, 0.1, NOW);
        Endpoint busy = endpoint("b", 30, 0.2, NOW);
        Decision d = queueAndKv(List.of(new LowQueueFilter(5))).schedule(REQUEST, Endpoints.pool(busy, idle), NOW);
        assertThat(d.ranked()).containsExactly(idle, busy);
        assertThat(d.scored().get(1).filteredBy()).isEqualTo("low-queue");
    }

    @Test
    void scorersLearnOnlyWhichEndpointServedNotWhatWasRankedFirst() {
        List<Endpoint> told = new java.util.ArrayList<>();
        Scorer learning = new Scorer() {
            @Override
            public String name() {
                return "learning";
            }

            @Override
            public double[] score(SchedulingContext context, List<Endpoint> candidates) {
                return new double[candidates.size()];
            }

            @Override
            public void onServed(SchedulingContext context, Endpoint served) {
                told.add(served);
            }
        };
        Endpoint a = endpoint("a", 0, 0.1, NOW);
        Endpoint b = endpoint("b", 9, 0.9, NOW);
        Scheduler scheduler = new Scheduler("test", List.of(), List.of(new Scheduler.WeightedScorer(learning, 1)),
                new MaxScorePicker(), 200);
        SchedulingContext context = new SchedulingContext(REQUEST, Endpoints.pool(a, b), NOW);
        scheduler.schedule(context);
        assertThat(told).isEmpty();
        scheduler.served(context, b);
        assertThat(told).containsExactly(b);
    }

    @Test
    void anEmptyPoolDecidesNothing() {
        Decision d = queueAndKv(List.of()).schedule(REQUEST, Endpoints.pool(), NOW);
        assertThat(d.hasEndpoint()).isFalse();
    }
}
