package io.inferrouter.gateway.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrefixIndexTest {

    @Test
    void updatesBeyondTheQueueBoundAreDroppedAndCountedWithoutBlocking() {
        try (PrefixIndex stalled = new PrefixIndex(100, 3, false)) {
            for (int i = 0; i < 5; i++) {
                stalled.record("llm/pool", new long[] {i}, "llm/a:8000");
            }
            assertThat(stalled.droppedUpdates()).isEqualTo(2);
        }
    }

    @Test
    void aRoutedRequestsBlocksAreAppliedSoonAfter() {
        try (PrefixIndex index = new PrefixIndex(100, 3)) {
            for (int i = 0; i < 20; i++) {
                index.record("llm/pool", new long[] {i, i + 1_000}, "llm/a:8000");
                assertThat(index.awaitApplied(5_000)).isTrue();
            }
            assertThat(index.droppedUpdates()).isZero();
            assertThat(index.size("llm/pool")).isEqualTo(40);
            assertThat(index.matchedBlocks("llm/pool", new long[] {7, 1_007})).containsEntry("llm/a:8000", 2);
        }
    }

    @Test
    void anEndpointThatLeftItsPoolIsForgottenAndTheOthersKept() {
        try (PrefixIndex index = new PrefixIndex(100, 10)) {
            index.record("llm/pool", new long[] {1, 2, 3}, "llm/a:8000");
            index.record("llm/pool", new long[] {1, 2}, "llm/b:8000");
            assertThat(index.awaitApplied(5_000)).isTrue();
            index.forget("llm/pool", "llm/a:8000");
            assertThat(index.awaitApplied(5_000)).isTrue();
            assertThat(index.matchedBlocks("llm/pool", new long[] {1, 2, 3})).containsOnlyKeys("llm/b:8000")
                    .containsEntry("llm/b:8000", 2);
            assertThat(index.size("llm/pool")).isEqualTo(2);
        }
    }
}
