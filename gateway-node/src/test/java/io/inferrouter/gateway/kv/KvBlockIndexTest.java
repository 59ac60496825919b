package io.inferrouter.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.kv.KvBlockEvent;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvBlockIndexTest {

    static final ResourceKey POOL = ResourceKey.of("llm", "pool");
    static final EndpointId A = new EndpointId("llm", "a", 8000);
    static final EndpointId B = new EndpointId("llm", "b", 8000);

    private final KvBlockIndex index = new KvBlockIndex(1_000);

    static KvBlockEvent stored(long... hashes) {
        return new KvBlockEvent(KvBlockEvent.Type.STORED, hex(hashes), null, 16, null, "GPU");
    }

    static KvBlockEvent storedUnder(String lora, int blockSize, long... hashes) {
        return new KvBlockEvent(KvBlockEvent.Type.STORED, hex(hashes), null, blockSize, lora, "GPU");
    }

    static KvBlockEvent removed(long... hashes) {
        return new KvBlockEvent(KvBlockEvent.Type.REMOVED, hex(hashes), null, null, null, "GPU");
    }

    static KvBlockEvent cleared() {
        return new KvBlockEvent(KvBlockEvent.Type.CLEARED, List.of(), null, null, null, null);
    }

    static KvEventsRecord batch(EndpointId endpoint, long seq, KvBlockEvent... events) {
        return new KvEventsRecord(endpoint, POOL, KvEventsRecord.Kind.BATCH, seq, 1.0, 0, List.of(events), List.of(),
                null, 1L, "test");
    }

    static KvEventsRecord snapshot(EndpointId endpoint, long seq, long... blocks) {
        return KvEventsRecord.snapshot(endpoint, POOL, seq, blocks, 1L, "test");
    }

    static KvEventsRecord reset(EndpointId endpoint) {
        return KvEventsRecord.reset(endpoint, POOL, "pod restarted", 1L, "test");
    }

    private static List<String> hex(long... hashes) {
        return Arrays.stream(hashes).mapToObj(KvBlockEvent::hex).toList();
    }

    @Test
    void aBatchAppliesItsEventsInOrder() {
        index.apply(batch(A, 0, stored(1, 2, 3), removed(2), stored(4)));
        EndpointBlocks a = index.endpoint(A);
        assertThat(a.size()).isEqualTo(3);
        assertThat(a.holds(1)).isTrue();
        assertThat(a.holds(2)).isFalse();
        assertThat(a.holds(4)).isTrue();
        index.apply(batch(A, 1, cleared(), stored(9)));
        assertThat(a.size()).isEqualTo(1);
        assertThat(a.holds(1)).isFalse();
        assertThat(index.endpoint(B)).isNull();
    }

    @Test
    void aSnapshotReplacesWhatWasKnownAndLaterBatchesApplyOnTop() {
        index.apply(batch(A, 0, stored(1, 2, 3)));
        index.apply(snapshot(A, 5, 3, 7, 8));
        index.apply(batch(A, 6, removed(7), stored(10)));
        EndpointBlocks a = index.endpoint(A);
        assertThat(a.holds(1)).isFalse();
        assertThat(a.holds(3)).isTrue();
        assertThat(a.holds(7)).isFalse();
        assertThat(a.holds(8)).isTrue();
        assertThat(a.holds(10)).isTrue();
        assertThat(index.blockCount()).isEqualTo(3);
        // An empty snapshot leaves the endpoint known, holding nothing.
        index.apply(snapshot(A, 9));
        assertThat(index.endpoint(A)).isNotNull();
        assertThat(index.endpoint(A).size()).isZero();
    }

    @Test
    void aSnapshotIsSwappedInWholeAndKeepsWhatBatchesTaughtOfBlockSizeAndAdapters() {
        index.apply(batch(A, 0, storedUnder("sql-lora", 32, 1, 2, 3)));
        EndpointBlocks before = index.endpoint(A);
        index.apply(snapshot(A, 5, 3, 7, 8));
        // A request that looked the endpoint up before the snapshot reads a complete set, never a half-filled one.
        assertThat(before.size()).isEqualTo(3);
        assertThat(before.holds(1)).isTrue();
        EndpointBlocks after = index.endpoint(A);
        assertThat(after).isNotSameAs(before);
        assertThat(after.size()).isEqualTo(3);
        assertThat(after.holds(7)).isTrue();
        assertThat(after.holds(1)).isFalse();
        assertThat(after.blockSize()).isEqualTo(32);
        assertThat(after.knowsAdapter("sql-lora")).isTrue();
    }

    @Test
    void aResetForgetsTheEndpointUntilItPublishesAgain() {
        index.apply(batch(A, 0, stored(1, 2)));
        index.apply(batch(B, 0, stored(1)));
        index.apply(reset(A));
        assertThat(index.endpoint(A)).isNull();
        assertThat(index.endpoint(B).holds(1)).isTrue();
        assertThat(index.endpointCount()).isEqualTo(1);
        index.apply(batch(A, 0, stored(5)));
        assertThat(index.endpoint(A).holds(1)).isFalse();
        assertThat(index.endpoint(A).holds(5)).isTrue();
    }

    @Test
    void theLeadingRunStopsAtTheFirstBlockNotHeld() {
        index.apply(batch(A, 0, stored(1, 2, 3, 5)));
        EndpointBlocks a = index.endpoint(A);
        assertThat(a.leadingRun(new long[] {1, 2, 3, 4, 5})).isEqualTo(3);
        assertThat(a.leadingRun(new long[] {2, 1})).isEqualTo(2);
        assertThat(a.leadingRun(new long[] {9, 1, 2})).isZero();
        assertThat(a.leadingRun(new long[0])).isZero();
    }

    @Test
    void anEndpointAtItsCapDropsItsOldestStoredBlocksAndCountsThem() {
        KvBlockIndex small = new KvBlockIndex(4);
        small.apply(batch(A, 0, stored(1, 2, 3, 4)));
        small.apply(batch(A, 1, stored(5, 6)));
        EndpointBlocks a = small.endpoint(A);
        assertThat(a.size()).isEqualTo(4);
        assertThat(a.holds(1)).isFalse();
        assertThat(a.holds(2)).isFalse();
        assertThat(a.holds(3)).isTrue();
        assertThat(a.holds(6)).isTrue();
        assertThat(small.evictedCount()).isEqualTo(2);
        assertThat(a.evicted()).isEqualTo(2);
    }

    @Test
    void aBlockRemovedAndStoredAgainIsAsOldAsItsLastStore() {
        KvBlockIndex small = new KvBlockIndex(3);
        small.apply(batch(A, 0, stored(1, 2, 3)));
        small.apply(batch(A, 1, removed(1), stored(1)));
        small.apply(batch(A, 2, stored(4)));
        EndpointBlocks a = small.endpoint(A);
        // 2 was the oldest store; 1's first store no longer counts.
        assertThat(a.holds(1)).isTrue();
        assertThat(a.holds(2)).isFalse();
        assertThat(a.holds(3)).isTrue();
        assertThat(a.holds(4)).isTrue();
        assertThat(small.evictedCount()).isEqualTo(1);
    }

    @Test
    void churnKeepsTheStoreOrderBoundedByTwiceTheBlocksHeld() {
        KvBlockIndex capped = new KvBlockIndex(1_000);
        List<KvBlockEvent> events = new ArrayList<>();
        for (long h = 1; h <= 200_000; h++) {
            events.add(stored(h));
            if (h > 50) {
                events.add(removed(h - 50));
            }
        }
        capped.apply(new KvEventsRecord(A, POOL, KvEventsRecord.Kind.BATCH, 0, 1.0, 0, events, List.of(), null, 1L,
                "test"));
        EndpointBlocks a = capped.endpoint(A);
        assertThat(a.size()).isEqualTo(50);
        assertThat(a.storeOrder().length).isLessThanOrEqualTo(2 * 50 + 16);
        assertThat(capped.evictedCount()).isZero();
    }

    @Test
    void blockSizeAndAdapterNamesAreLearntFromStoredEvents() {
        index.apply(batch(A, 0, storedUnder("sql-lora", 32, 1)));
        EndpointBlocks a = index.endpoint(A);
        assertThat(a.blockSize()).isEqualTo(32);
        assertThat(a.knowsAdapter("sql-lora")).isTrue();
        assertThat(a.knowsAdapter("other")).isFalse();
    }
}
