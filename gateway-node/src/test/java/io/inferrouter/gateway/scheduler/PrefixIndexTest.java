package io.inferrouter.gateway.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.tables.Endpoints;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import org.junit.jupiter.api.Test;

class PrefixIndexTest {

    private static final ResourceKey POOL = Endpoints.POOL;
    private static final EndpointId A = Endpoints.id("a");
    private static final EndpointId B = Endpoints.id("b");

    @Test
    void updatesBeyondTheQueueBoundAreDroppedAndCountedWithoutBlocking() {
        try (PrefixIndex stalled = new PrefixIndex(100, 3, false)) {
            for (int i = 0; i < 5; i++) {
                stalled.record(POOL, new long[] {i}, A);
            }
            assertThat(stalled.droppedUpdates()).isEqualTo(2);
        }
    }

    @Test
    void aSingleThreadedIndexHasAppliedEachUpdateWhenTheCallReturns() {
        try (PrefixIndex index = PrefixIndex.singleThreaded(3)) {
            index.record(POOL, new long[] {1, 2}, A);
            assertThat(index.matchedBlocks(POOL, new long[] {1, 2, 9})).containsEntry(A, 2);
            index.record(POOL, new long[] {5, 6}, A);
            // Capacity 3: the least recently used block (1) is gone at once.
            assertThat(index.matchedBlocks(POOL, new long[] {1, 2})).isEmpty();
            index.forget(POOL, A);
            assertThat(index.size(POOL)).isZero();
            assertThat(index.backlog()).isZero();
        }
    }

    @Test
    void aRoutedRequestsBlocksAreAppliedSoonAfter() {
        try (PrefixIndex index = new PrefixIndex(100, 3)) {
            for (int i = 0; i < 20; i++) {
                index.record(POOL, new long[] {i, i + 1_000}, A);
                assertThat(index.awaitApplied(5_000)).isTrue();
            }
            assertThat(index.droppedUpdates()).isZero();
            assertThat(index.size(POOL)).isEqualTo(40);
            assertThat(index.matchedBlocks(POOL, new long[] {7, 1_007})).containsEntry(A, 2);
        }
    }

    @Test
    void anEndpointThatLeftItsPoolIsForgottenAndTheOthersKept() {
        try (PrefixIndex index = new PrefixIndex(100, 10)) {
            index.record(POOL, new long[] {1, 2, 3}, A);
            index.record(POOL, new long[] {1, 2}, B);
            assertThat(index.awaitApplied(5_000)).isTrue();
            index.forget(POOL, A);
            assertThat(index.awaitApplied(5_000)).isTrue();
            assertThat(index.matchedBlocks(POOL, new long[] {1, 2, 3})).containsOnlyKeys(B)
                    .containsEntry(B, 2);
            assertThat(index.size(POOL)).isEqualTo(2);
        }
    }
}
