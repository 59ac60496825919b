package io.inferrouter.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BlockSetTest {

    @Test
    void behavesAsAMapOfHashToSequenceThroughGrowthRemovalsAndReinsertions() {
        BlockSet set = new BlockSet();
        Map<Long, Integer> model = new HashMap<>();
        Random random = new Random(1);
        int seq = 1;
        for (int step = 0; step < 200_000; step++) {
            long h = random.nextInt(20_000) - 10_000L; // hash 0 and negative hashes included
            if (random.nextInt(3) == 0) {
                Integer old = model.remove(h);
                assertThat(set.remove(h)).isEqualTo(old == null ? 0 : old);
            } else {
                Integer old = model.put(h, seq);
                assertThat(set.put(h, seq)).isEqualTo(old == null ? 0 : old);
                seq++;
            }
            assertThat(set.size()).isEqualTo(model.size());
        }
        for (long h = -10_000; h < 10_000; h++) {
            assertThat(set.seq(h)).isEqualTo(model.getOrDefault(h, 0));
        }
        set.clear();
        assertThat(set.size()).isZero();
        assertThat(set.contains(5)).isFalse();
    }

    @Test
    void removalsDoNotGrowTheArraysForever() {
        BlockSet set = new BlockSet();
        for (long h = 1; h <= 1_000_000; h++) {
            set.put(h, 1);
            if (h > 100) {
                set.remove(h - 100);
            }
        }
        assertThat(set.size()).isEqualTo(100);
        assertThat(set.arrayBytes()).isLessThanOrEqualTo(1024 * 12);
    }

    @Test
    void readersOnOtherThreadsAlwaysSeeHeldBlocksWhileTheWriterGrowsAndCompacts() throws Exception {
        BlockSet set = new BlockSet();
        for (long h = 1; h <= 20_000; h++) {
            set.put(h, 1);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            Random random = new Random(2);
            long reads = 0;
            while (!stop.get() || reads < 100_000) {
                long held = 1 + random.nextInt(20_000);
                if (!set.contains(held)) {
                    failure.compareAndSet(null, "lost " + held);
                }
                long never = 1_000_000L + random.nextInt(1_000_000);
                if (set.contains(never)) {
                    failure.compareAndSet(null, "saw " + never + ", never stored");
                }
                reads++;
            }
        });
        // Blocks stored and removed again and again: the arrays grow and are rebuilt under the reader.
        for (int round = 1; round <= 30; round++) {
            for (long h = 1; h <= 30_000; h++) {
                set.put(-h, round);
            }
            for (long h = 1; h <= 30_000; h++) {
                set.remove(-h);
            }
        }
        stop.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(set.size()).isEqualTo(20_000);
    }
}
