package io.inferrouter.gateway.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PickersTest {

    @Test
    void maxScoreRanksByTotalDescending() {
        assertThat(new MaxScorePicker().rank(new double[] {0.1, 3.0, 2.0})).containsExactly(1, 2, 0);
    }

    @Test
    void maxScoreRanksNegativeTotalsBelowZeroAndPositives() {
        assertThat(new MaxScorePicker().rank(new double[] {-1.0, 2.0, -3.5, 0.0, 0.25, -0.0001}))
                .containsExactly(1, 4, 3, 5, 0, 2);
    }

    @Test
    void maxScoreRanksANaNTotalLast() {
        assertThat(new MaxScorePicker().rank(new double[] {Double.NaN, -7.0, 1.0})).containsExactly(2, 1, 0);
    }

    @Test
    void maxScoreBreaksTiesAtRandom() {
        Set<Integer> firsts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            firsts.add(new MaxScorePicker().rank(new double[] {1.0, 1.0, 1.0, 0.5})[0]);
        }
        assertThat(firsts).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void randomIsAPermutationThatVaries() {
        Set<Integer> firsts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int[] order = new RandomPicker().rank(new double[4]);
            assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3);
            firsts.add(order[0]);
        }
        assertThat(firsts).hasSize(4);
    }

    @Test
    void roundRobinStartsOneFurtherEachTime() {
        RoundRobinPicker p = new RoundRobinPicker();
        assertThat(p.rank(new double[3])).containsExactly(0, 1, 2);
        assertThat(p.rank(new double[3])).containsExactly(1, 2, 0);
        assertThat(p.rank(new double[3])).containsExactly(2, 0, 1);
        assertThat(p.rank(new double[0])).isEmpty();
    }
}
