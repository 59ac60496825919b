package io.inferrouter.ingestor.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlockSetTest {

    @Test
    void behavesAsASetOfLongsUnderRandomChurnIncludingZeroAndCollidingValues() {
        BlockSet set = new BlockSet();
        Set<Long> reference = new HashSet<>();
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            // A small range makes adds, removes and probe-run deletions meet often; some values share slots.
            long v = switch (random.nextInt(4)) {
                case 0 -> 0L;
                case 1 -> random.nextInt(3_000) * 1024L;
                default -> random.nextLong() % 5_000;
            };
            if (random.nextInt(3) == 0) {
                set.remove(v);
                reference.remove(v);
            } else {
                set.add(v);
                reference.add(v);
            }
            if (i % 10_000 == 0) {
                assertThat(set.size()).isEqualTo(reference.size());
                for (long r : reference) {
                    assertThat(set.contains(r)).as("contains %s", r).isTrue();
                }
            }
        }
        assertThat(set.toSortedArray()).hasSize(reference.size());
        for (long v : set.toSortedArray()) {
            assertThat(reference).contains(v);
        }
        set.clear();
        assertThat(set.size()).isZero();
        assertThat(set.contains(0)).isFalse();
    }

    @Test
    void growsAndShrinksWithoutLosingMembers() {
        BlockSet set = new BlockSet();
        for (long v = 1; v <= 100_000; v++) {
            set.add(v * 0x9E3779B97F4A7C15L);
        }
        assertThat(set.size()).isEqualTo(100_000);
        for (long v = 1; v <= 99_990; v++) {
            set.remove(v * 0x9E3779B97F4A7C15L);
        }
        assertThat(set.size()).isEqualTo(10);
        for (long v = 99_991; v <= 100_000; v++) {
            assertThat(set.contains(v * 0x9E3779B97F4A7C15L)).isTrue();
        }
    }

    @Test
    void sortsAsUnsignedNumbersLikeTheirHexForm() {
        BlockSet set = new BlockSet();
        set.add(-1L);
        set.add(5L);
        set.add(Long.MIN_VALUE);
        set.add(0L);
        assertThat(set.toSortedArray()).containsExactly(0L, 5L, Long.MIN_VALUE, -1L);
    }
}
