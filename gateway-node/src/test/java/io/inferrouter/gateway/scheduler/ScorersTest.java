package io.inferrouter.gateway.scheduler;

import static io.inferrouter.gateway.tables.Endpoints.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.Endpoints;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorersTest {

    private final Endpoint idle = endpoint("a", 0, 0.1, 1_000);
    private final Endpoint busy = endpoint("b", 10, 0.9, 1_000);
    private final Endpoint middle = endpoint("c", 5, 0.5, 1_000);

    @Test
    void queueScorerGivesTheShortestQueueOneAndTheLongestZero() {
        double[] s = new QueueScorer().score(Contexts.of("m"), List.of(idle, busy, middle));
        assertThat(s).containsExactly(1.0, 0.0, 0.5);
    }

    @Test
    void queueScorerCountsRequestsSentSinceTheLastScrape() {
        for (int i = 0; i < 20; i++) {
            idle.load().started();
        }
        double[] s = new QueueScorer().score(Contexts.of("m"), List.of(idle, busy));
        assertThat(s).containsExactly(0.0, 1.0);
    }

    @Test
    void equalQueuesAllScoreOne() {
        double[] s = new QueueScorer().score(Contexts.of("m"), List.of(endpoint("x", 3, 0, 1), endpoint("y", 3, 0, 1)));
        assertThat(s).containsExactly(1.0, 1.0);
    }

    @Test
    void kvCacheScorerIsOneMinusUsage() {
        double[] s = new KvCacheScorer().score(Contexts.of("m"), List.of(idle, busy));
        assertThat(s[0]).isCloseTo(0.9, within(1e-9));
        assertThat(s[1]).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void runningRequestsScorerPrefersSmallBatches() {
        double[] s = new RunningRequestsScorer().score(Contexts.of("m"),
                List.of(Endpoints.running("small", 2), Endpoints.running("large", 10), Endpoints.running("mid", 6)));
        assertThat(s).containsExactly(1.0, 0.0, 0.5);
    }

    @Test
    void outstandingRequestsScorerUsesOnlyTheGatewaysOwnCounts() {
        busy.load().started();
        double[] s = new OutstandingRequestsScorer().score(Contexts.of("m"), List.of(idle, busy));
        assertThat(s).containsExactly(1.0, 0.0);
    }

    @Test
    void loraAffinityRanksRunningThenRoomThenWaiting() {
        Endpoint running = endpoint("r", 0, 0, 1, List.of("sql"), List.of(), 2);
        Endpoint room = endpoint("o", 0, 0, 1, List.of("other"), List.of(), 2);
        Endpoint waiting = endpoint("w", 0, 0, 1, List.of("x", "y"), List.of("sql"), 2);
        Endpoint none = endpoint("n", 0, 0, 1, List.of("x", "y"), List.of(), 2);
        double[] s = new LoraAffinityScorer().score(Contexts.of("sql", running, room, waiting, none),
                List.of(running, room, waiting, none));
        assertThat(s).containsExactly(1.0, 0.8, 0.6, 0.0);
    }
}
