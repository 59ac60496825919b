package io.inferrouter.gateway.scheduler;

import static io.inferrouter.gateway.tables.Endpoints.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.Endpoints;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrefixCacheScorerTest {

    private final PrefixIndex index = new PrefixIndex(10_000, 1_000);
    private final PrefixCacheScorer scorer = new PrefixCacheScorer(index);
    private final Endpoint a = endpoint("a", 0, 0, 1);
    private final Endpoint b = endpoint("b", 0, 0, 1);

    @AfterEach
    void close() {
        index.close();
    }

    private SchedulingContext context(String prompt) {
        return new SchedulingContext(new SchedulingRequest("m", prompt, false, false), Endpoints.pool(a, b), 1);
    }

    @Test
    void anEndpointSentThePrefixBeforeScoresTheSharedShare() {
        String system = "s".repeat(64 * 6);
        scorer.onServed(context(system + "q".repeat(64 * 2)), a);
        assertThat(index.awaitApplied(5_000)).isTrue();

        double[] s = scorer.score(context(system + "z".repeat(64 * 2)), List.of(a, b));
        assertThat(s[0]).isEqualTo(6.0 / 8.0);
        assertThat(s[1]).isZero();
    }

    @Test
    void thePromptIsHashedOnceAtThePoolsBlockSizeAndKeptInTheCycleState() {
        String prompt = "p".repeat(64 * 3 + 10);
        SchedulingContext context = context(prompt);
        scorer.score(context, List.of(a, b));
        long[] blocks = context.computeIfAbsent(PrefixCacheScorer.PROMPT_BLOCKS, c -> {
            throw new AssertionError("hashed twice");
        });
        // 16-token blocks of 4 characters per token: 3 full blocks of 64 characters.
        assertThat(blocks).containsExactly(PromptBlocks.hash(prompt, "m", 64, 256));
        scorer.onServed(context, b);
        assertThat(index.awaitApplied(5_000)).isTrue();
        assertThat(index.matchedBlocks(Endpoints.POOL, blocks)).containsExactly(java.util.Map.entry(b.id(), 3));
    }

    @Test
    void longPromptsAreCutAtTheScorersMaxBlocks() {
        PrefixCacheScorer twoBlocks = new PrefixCacheScorer(index, 2);
        SchedulingContext context = context("q".repeat(64 * 5));
        twoBlocks.score(context, List.of(a, b));
        assertThat(context.computeIfAbsent(PrefixCacheScorer.PROMPT_BLOCKS, c -> new long[0])).hasSize(2);
    }

    @Test
    void aDifferentFirstBlockMatchesNothingEvenIfLaterBlocksAreEqual() {
        scorer.onServed(context("x".repeat(64) + "s".repeat(64 * 4)), a);
        index.awaitApplied(5_000);
        double[] s = scorer.score(context("y".repeat(64) + "s".repeat(64 * 4)), List.of(a, b));
        assertThat(s).containsExactly(0.0, 0.0);
    }

    @Test
    void theSamePromptForAnotherModelSharesNoBlocks() {
        long[] m1 = PromptBlocks.hash("p".repeat(640), "m1", 64, 256);
        long[] m2 = PromptBlocks.hash("p".repeat(640), "m2", 64, 256);
        assertThat(m1).hasSize(10).doesNotContain(m2);
    }

    @Test
    void promptsShorterThanABlockScoreZero() {
        assertThat(scorer.score(context("short"), List.of(a, b))).containsExactly(0.0, 0.0);
    }

    @Test
    void eachEndpointForgetsItsLeastRecentlyUsedBlocksBeyondItsCapacity() {
        try (PrefixIndex small = new PrefixIndex(20, 1_000)) {
            long[] old = PromptBlocks.hash("o".repeat(64 * 10), "m", 64, 256);
            long[] recent = PromptBlocks.hash("r".repeat(64 * 10), "m", 64, 256);
            long[] newest = PromptBlocks.hash("n".repeat(64 * 10), "m", 64, 256);
            small.record(Endpoints.POOL, old, a.id());
            small.record(Endpoints.POOL, old, b.id());
            small.record(Endpoints.POOL, recent, a.id());
            small.record(Endpoints.POOL, newest, a.id());
            assertThat(small.awaitApplied(5_000)).isTrue();
            // a holds 20 blocks: the 10 oldest went; b, under its capacity, still holds them.
            assertThat(small.matchedBlocks(Endpoints.POOL, old)).containsExactly(java.util.Map.entry(b.id(), 10));
            assertThat(small.matchedBlocks(Endpoints.POOL, recent)).containsEntry(a.id(), 10);
            assertThat(small.matchedBlocks(Endpoints.POOL, newest)).containsEntry(a.id(), 10);
        }
    }
}
