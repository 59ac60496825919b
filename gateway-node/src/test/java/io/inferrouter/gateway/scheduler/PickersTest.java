package io.inferrouter.gateway.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PickersTest {

    @Test
    void maxScoreRanksByTotalDescending() {
        assertThat(new MaxScorePicker().rank(new double[] {0.1, 3.0, 2.0}, 7)).containsExactly(1, 2, 0);
    }

    @Test
    void maxScoreRanksNegativeTotalsBelowZeroAndPositives() {
        assertThat(new MaxScorePicker().rank(new double[] {-1.0, 2.0, -3.5, 0.0, 0.25, -0.0001}, 7))
                .containsExactly(1, 4, 3, 5, 0, 2);
    }

    @Test
    void maxScoreRanksANaNTotalLast() {
        assertThat(new MaxScorePicker().rank(new double[] {Double.NaN, -7.0, 1.0}, 7)).containsExactly(2, 1, 0);
    }

    @Test
    void maxScoreBreaksTiesByTheSeedSpreadingOverSeeds() {
        MaxScorePicker picker = new MaxScorePicker();
        Set<Integer> firsts = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            int[] order = picker.rank(new double[] {1.0, 1.0, 1.0, 0.5}, seed);
            firsts.add(order[0]);
            assertThat(order[3]).isEqualTo(3);
        }
        assertThat(firsts).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void theSameSeedGivesTheSameOrder() {
        double[] ties = new double[40];
        java.util.Arrays.fill(ties, 0.5);
        ties[7] = 0.9;
        for (long seed : new long[] {0, 1, -1, Long.MIN_VALUE, 123_456_789}) {
            assertThat(new MaxScorePicker().rank(ties, seed)).containsExactly(new MaxScorePicker().rank(ties, seed));
            assertThat(new RandomPicker().rank(ties, seed)).containsExactly(new RandomPicker().rank(ties, seed));
        }
        assertThat(new MaxScorePicker().rank(ties, 1)).isNotEqualTo(new MaxScorePicker().rank(ties, 2));
    }

    @Test
    void theLargeRankingIsSeededToo() {
        double[] ties = new double[(1 << 16) + 3];
        assertThat(new MaxScorePicker().rank(ties, 42)).containsExactly(new MaxScorePicker().rank(ties, 42));
    }

    @Test
    void randomIsAPermutationThatVaries() {
        Set<Integer> firsts = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            int[] order = new RandomPicker().rank(new double[4], seed);
            assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3);
            firsts.add(order[0]);
        }
        assertThat(firsts).hasSize(4);
    }

    @Test
    void roundRobinStartsOneFurtherEachTime() {
        RoundRobinPicker p = new RoundRobinPicker();
        assertThat(p.rank(new double[3], p.nextSeed())).containsExactly(0, 1, 2);
        assertThat(p.rank(new double[3], p.nextSeed())).containsExactly(1, 2, 0);
        long third = p.nextSeed();
        assertThat(p.rank(new double[3], third)).containsExactly(2, 0, 1);
        assertThat(p.rank(new double[3], third)).as("a recorded turn gives the same order again")
                .containsExactly(2, 0, 1);
        assertThat(p.rank(new double[0], p.nextSeed())).isEmpty();
    }
}
