package io.inferrouter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The direct-service baseline: the generator spreads requests over the pods themselves, no gateway. */
class DirectServiceIT {

    @Test
    void requestsGoStraightToRandomPods() {
        SimConfig sim = SimConfig.defaults().withTimeScale(0.02).withCache(2_000);
        try (SimFleet fleet = SimFleet.start(new FleetConfig(3, "127.0.1.90", 0, sim, Map.of()))) {
            List<URI> pods = fleet.pods().stream().map(p -> URI.create(p.url())).toList();
            LoadGenerator gen = new LoadGenerator(pods, Map.of(), Duration.ofSeconds(30), 42);
            Workload w = new Workload(Workload.Kind.W2, 0.05, 1, SimConfig.DEFAULT_MODEL, 8, List.of());
            List<RequestResult> results = gen.run(w, 100, Duration.ofSeconds(2), 7);
            assertThat(results).hasSizeGreaterThan(100).allMatch(RequestResult::ok);
            assertThat(results).allMatch(r -> r.offsetNanos() >= 0 && r.offsetNanos() < 2_000_000_000L);
            Map<String, Long> perPod = results.stream()
                    .collect(Collectors.groupingBy(RequestResult::endpoint, Collectors.counting()));
            assertThat(perPod.keySet()).containsExactlyInAnyOrderElementsOf(
                    fleet.pods().stream().map(p -> p.address() + ":" + p.port()).toList());
            // Uniform random: every pod gets roughly a third.
            assertThat(perPod.values()).allMatch(n -> n > results.size() / 6);
        }
    }
}
