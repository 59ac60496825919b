package io.inferrouter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.traces.TraceRequest;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The quality benchmark's {@code --trace} path, fast: the small Mooncake-format trace sent at its
 * (sped-up) times straight to two simulated pods, which count the trace's prompt lengths and serve
 * its shared prefixes from their caches.
 */
class TraceReplayIT {

    @Test
    void theSmallTraceRunsAtItsTimesWithItsLengthsAndSharedPrefixes() throws Exception {
        List<TraceRequest> trace = TraceReplayTest.smallTrace().subList(0, 60);
        TraceReplay replay = new TraceReplay(trace, 10, 1, SimConfig.DEFAULT_MODEL);
        SimConfig sim = SimConfig.defaults().withTimeScale(0.02).withCache(4_000);
        try (SimFleet fleet = SimFleet.start(new FleetConfig(2, "127.0.1.94", 0, sim, Map.of()))) {
            List<URI> pods = fleet.pods().stream().map(p -> URI.create(p.url())).toList();
            LoadGenerator gen = new LoadGenerator(pods, Map.of(), Duration.ofSeconds(30), 42);

            List<RequestResult> results = gen.run(replay, "trace", Duration.ZERO);

            assertThat(results).hasSize(60).allMatch(RequestResult::ok);
            assertThat(results.stream().map(RequestResult::offsetNanos).sorted().toList())
                    .isEqualTo(IntStream.range(0, 60).mapToObj(replay::offsetNanos).toList());
            assertThat(results.stream().map(RequestResult::promptTokens).sorted().toList())
                    .isEqualTo(trace.stream().map(TraceRequest::inputLength).sorted().toList());
            assertThat(results.stream().mapToLong(RequestResult::outputTokens).sum())
                    .isEqualTo(trace.stream().mapToLong(TraceRequest::outputLength).sum());
            // Sessions and system prompts recur on the same pod often enough among 60 requests on 2 pods.
            long cached = results.stream().mapToLong(RequestResult::cachedTokens).sum();
            long prompt = results.stream().mapToLong(RequestResult::promptTokens).sum();
            assertThat((double) cached / prompt).isGreaterThan(0.4);
        }
    }
}
