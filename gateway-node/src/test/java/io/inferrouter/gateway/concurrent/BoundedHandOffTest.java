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

    @Test
    void anOfferWakesAConsumerWaitingInTakeLongBeforeItsWaitEnds() throws Exception {
        BoundedHandOff<String> h = new BoundedHandOff<>(4);
        java.util.concurrent.CompletableFuture<Long> tookMs = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        Thread consumer = Thread.ofPlatform().start(() -> {
            waiting.countDown();
            long start = System.nanoTime();
            String item = null;
            while (item == null) {
                item = h.take(java.util.concurrent.TimeUnit.SECONDS.toNanos(30));
            }
            tookMs.complete((System.nanoTime() - start) / 1_000_000);
        });
        waiting.await();
        // Offer only once the consumer is parked: then only the offer's wake-up can end its 30 s wait.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (consumer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(consumer.getState()).as("the consumer parked in take").isEqualTo(Thread.State.TIMED_WAITING);
        assertThat(h.offer("x")).isTrue();
        assertThat(tookMs.get(5, java.util.concurrent.TimeUnit.SECONDS)).isLessThan(5_000);
        consumer.join(1_000);
    }

    @Test
    void withALingerABusyConsumerStillGetsWhatCameDuringItAndAnIdleOneIsWokenAtOnce() throws Exception {
        // A 30 s linger: a consumer that lingered would fail the 5 s bounds below.
        BoundedHandOff<String> h = new BoundedHandOff<>(4, java.util.concurrent.TimeUnit.SECONDS.toNanos(30));
        java.util.concurrent.CompletableFuture<String> second = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch idle = new java.util.concurrent.CountDownLatch(1);
        Thread consumer = Thread.ofPlatform().start(() -> {
            // Idle: nothing taken yet, so no linger; the offer below wakes it.
            idle.countDown();
            String item = null;
            while (item == null) {
                item = h.take(java.util.concurrent.TimeUnit.SECONDS.toNanos(30));
            }
            second.complete(item);
        });
        idle.await();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (consumer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(h.offer("first")).isTrue();
        assertThat(second.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("first");
        consumer.join(1_000);
        // Busy now (its last take found an item): an item already there is taken without lingering.
        assertThat(h.offer("next")).isTrue();
        assertThat(h.take(java.util.concurrent.TimeUnit.SECONDS.toNanos(30))).isEqualTo("next");
    }

    @Test
    void takeReturnsNullAfterItsWaitOrAWakeWhenNothingCame() throws Exception {
        BoundedHandOff<String> h = new BoundedHandOff<>(4);
        assertThat(h.take(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5))).isNull();
        Thread consumer = Thread.ofPlatform().start(() -> h.take(java.util.concurrent.TimeUnit.SECONDS.toNanos(30)));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (consumer.isAlive() && System.nanoTime() < deadline) {
            h.wake(); // until the consumer has registered and parked, a wake finds nobody
            consumer.join(10);
        }
        assertThat(consumer.isAlive()).as("woken long before its 30 s wait ended").isFalse();
    }
}
