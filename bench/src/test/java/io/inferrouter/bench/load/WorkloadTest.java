package io.inferrouter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    private static int words(String s) {
        return s.isBlank() ? 0 : s.trim().split(" +").length;
    }

    @Test
    void sameSeedSameRequests() {
        Workload a = new Workload(Workload.Kind.W2, 0.1, 7, "m", 4, List.of());
        Workload b = new Workload(Workload.Kind.W2, 0.1, 7, "m", 4, List.of());
        for (int i = 0; i < 20; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
    }

    @Test
    void highReuseGroupsShareTheirSystemPrompt() {
        Workload w = new Workload(Workload.Kind.W2, 0.1, 1, "m", 3, List.of());
        Set<String> systems = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            RequestSpec r = w.next();
            systems.add(r.system());
            assertThat(words(r.question())).isEqualTo(26);
            assertThat(r.maxTokens()).isEqualTo(26);
        }
        assertThat(systems).hasSize(3);
        assertThat(systems).allMatch(s -> words(s) >= 205);
    }

    @Test
    void shareGptLikeLengthsAverageNear200In180Out() {
        Workload w = new Workload(Workload.Kind.W1, 1.0, 3, "m", 0, List.of());
        double in = 0;
        double out = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            RequestSpec r = w.next();
            in += words(r.question());
            out += r.maxTokens();
        }
        assertThat(in / n).isBetween(150.0, 260.0);
        assertThat(out / n).isBetween(130.0, 240.0);
    }

    @Test
    void loraWorkloadSpreadsOverEveryAdapter() {
        Workload w = new Workload(Workload.Kind.W6, 0.1, 3, "base", 0, List.of("a1", "a2", "a3", "a4", "a5"));
        Set<String> models = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            models.add(w.next().model());
        }
        assertThat(models).containsExactlyInAnyOrder("a1", "a2", "a3", "a4", "a5");
    }

    @Test
    void multiTurnSessionsGrow() {
        Workload w = new Workload(Workload.Kind.W5, 0.1, 3, "m", 1, List.of());
        List<Integer> lengths = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            lengths.add(w.next().question().length());
        }
        assertThat(lengths).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void gammaArrivalsWithShapeHalfAreBurstierThanPoisson() {
        // The coefficient of variation of gamma gaps is 1/sqrt(shape): 1 for Poisson, 1.41 at shape 0.5.
        for (double shape : new double[] {1.0, 0.5}) {
            Arrivals a = new Arrivals(50, shape, new SplittableRandom(13));
            int n = 50_000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double gap = a.nextGapNanos() / 1e9;
                sum += gap;
                sumSq += gap * gap;
            }
            double mean = sum / n;
            double cv = Math.sqrt(sumSq / n - mean * mean) / mean;
            assertThat(cv).as("CV of gaps at shape %s", shape).isCloseTo(1 / Math.sqrt(shape), within(0.06));
        }
    }

    @Test
    void poissonAndBurstyArrivalsKeepTheRate() {
        for (double burstiness : new double[] {1.0, 0.5}) {
            Arrivals a = new Arrivals(50, burstiness, new SplittableRandom(11));
            double total = 0;
            int n = 20_000;
            for (int i = 0; i < n; i++) {
                total += a.nextGapNanos() / 1e9;
            }
            assertThat(n / total).as("rate at burstiness %s", burstiness).isCloseTo(50, within(2.5));
        }
    }
}
