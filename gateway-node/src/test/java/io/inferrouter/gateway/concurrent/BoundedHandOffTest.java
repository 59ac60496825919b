package io.inferrouter.gateway.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedHandOffTest {

    @Test
    void itemsComeOutInOrderAndOffersBeyondTheCapacityAreRefused() {
        BoundedHandOff<Integer> h = new BoundedHandOff<>(2);
        assertThat(h.offer(1)).isTrue();
        assertThat(h.offer(2)).isTrue();
        assertThat(h.offer(3)).isFalse();
        assertThat(h.poll()).isEqualTo(1);
        assertThat(h.offer(4)).isTrue();
        assertThat(h.poll()).isEqualTo(2);
        assertThat(h.poll()).isEqualTo(4);
        assertThat(h.poll()).isNull();
        assertThat(h.isEmpty()).isTrue();
    }

    @Test
    void concurrentProducersNeverLoseAnAcceptedItemNorExceedTheCapacity() throws Exception {
        BoundedHandOff<Integer> h = new BoundedHandOff<>(1_000);
        AtomicInteger accepted = new AtomicInteger();
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            producers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 500; i++) {
                    if (h.offer(i)) {
                        accepted.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread p : producers) {
            p.join();
        }
        int drained = 0;
        while (h.poll() != null) {
            drained++;
        }
        assertThat(accepted.get()).isEqualTo(1_000);
        assertThat(drained).isEqualTo(1_000);
    }
}
