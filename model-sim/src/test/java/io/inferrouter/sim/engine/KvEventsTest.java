package io.inferrouter.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.kv.BlockHasher;
import io.inferrouter.schemas.kv.ExternalBlockHash;
import io.inferrouter.schemas.kv.KvEvent;
import io.inferrouter.schemas.kv.KvEvent.AllBlocksCleared;
import io.inferrouter.schemas.kv.KvEvent.BlockRemoved;
import io.inferrouter.schemas.kv.KvEvent.BlockStored;
import io.inferrouter.schemas.kv.KvEventBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's KV events, steps driven one by one: what vLLM's block pool would report. */
class KvEventsTest {

    private static final int BS = 16;
    private final List<KvEventBatch> batches = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    private Engine engine(int blocks) {
        SimConfig c = SimConfig.defaults().withCache(blocks).withAdapters(List.of("a", "sql-lora"), 2);
        return new Engine(c, batches::add);
    }

    private SimRequest request(Engine e, int[] prompt, String lora) {
        return request(e, prompt, lora, 1);
    }

    private SimRequest request(Engine e, int[] prompt, String lora, int maxTokens) {
        return new SimRequest("r", prompt, maxTokens, lora, e.hasher(), BS, new TokenSink() {
            @Override
            public void token(int index, String text) {
            }

            @Override
            public void finished(int promptTokens, int cachedTokens, int outputTokens) {
            }

            @Override
            public void failed(String reason) {
                failures.add(reason);
            }
        }, 0);
    }

    private static void runUntilIdle(Engine e) {
        while (e.hasWork()) {
            e.step();
        }
    }

    private static int[] tokens(int n, int first) {
        int[] t = new int[n];
        Arrays.setAll(t, i -> first + i);
        return t;
    }

    private List<KvEvent> events() {
        return batches.stream().flatMap(b -> b.events().stream()).toList();
    }

    private static ExternalBlockHash digest(BlockHash h) {
        return new ExternalBlockHash.Digest(h);
    }

    @Test
    void aPrefillStoresItsFullBlocksInOneEventWithVllmsHashes() {
        Engine e = engine(100);
        int[] prompt = tokens(40, 1); // two full blocks and 8 tokens that are never hashed
        e.submit(request(e, prompt, null));
        runUntilIdle(e);
        BlockHash[] expected = BlockHasher.seeded(SimConfig.DEFAULT_HASH_SEED).promptHashes(prompt, BS, null, null);
        assertThat(batches).hasSize(1);
        assertThat(batches.getFirst().dataParallelRank()).isZero();
        BlockStored s = (BlockStored) batches.getFirst().events().getFirst();
        assertThat(s.blockHashes()).containsExactly(digest(expected[0]), digest(expected[1]));
        assertThat(s.parentBlockHash()).isNull();
        assertThat(s.tokenIds()).hasSize(32).startsWith(1, 2, 3).endsWith(32);
        assertThat(s.blockSize()).isEqualTo(BS);
        assertThat(s.medium()).isEqualTo("GPU");
        assertThat(s.loraId()).isNull();
        assertThat(s.extraKeys()).containsExactly(null, null);
        assertThat(s.group()).isEqualTo(KvEvent.CacheGroup.FULL_ATTENTION);
    }

    @Test
    void aSharedPrefixIsNotStoredAgainAndTheNewBlocksNameTheirParent() {
        Engine e = engine(100);
        int[] first = tokens(33, 1);
        int[] second = tokens(49, 1);
        second[20] = 999; // same first block, then different
        e.submit(request(e, first, null));
        runUntilIdle(e);
        e.submit(request(e, second, null));
        runUntilIdle(e);
        BlockHash[] h = e.hasher().promptHashes(second, BS, null, null);
        BlockStored s = (BlockStored) batches.get(1).events().getFirst();
        assertThat(s.parentBlockHash()).isEqualTo(digest(h[0]));
        assertThat(s.blockHashes()).containsExactly(digest(h[1]), digest(h[2]));
        assertThat(s.tokenIds()).hasSize(32).contains(999);
    }

    @Test
    void reusingACachedBlockRemovesItsHashOneEventPerBlock() {
        Engine e = engine(5);
        int[] a = tokens(33, 1);    // 3 blocks, 2 of them full and hashed
        int[] b = tokens(64, 500);  // 4 blocks, then a fifth for its output: takes all of a's
        e.submit(request(e, a, null));
        runUntilIdle(e);
        e.submit(request(e, b, null, 2));
        runUntilIdle(e);
        BlockHash[] ha = e.hasher().promptHashes(a, BS, null, null);
        List<KvEvent> later = batches.subList(1, batches.size()).stream().flatMap(x -> x.events().stream()).toList();
        List<KvEvent> removed = later.stream().filter(x -> x instanceof BlockRemoved).toList();
        // a's blocks were freed tail first, so its second block is reused (and removed) before its first.
        assertThat(removed).containsExactly(BlockRemoved.onGpu(digest(ha[1])), BlockRemoved.onGpu(digest(ha[0])));
        KvEvent storeOfB = later.stream().filter(x -> x instanceof BlockStored).findFirst().orElseThrow();
        assertThat(((BlockStored) storeOfB).blockHashes()).hasSize(4);
        assertThat(later.indexOf(removed.getFirst())).as("the eviction comes before the store that reused the block")
                .isLessThan(later.indexOf(storeOfB));
    }

    @Test
    void loraBlocksCarryTheAdaptersIdNameAndExtraKey() {
        Engine e = engine(100);
        int[] prompt = tokens(32, 1);
        e.submit(request(e, prompt, "sql-lora"));
        runUntilIdle(e);
        BlockStored s = (BlockStored) events().getFirst();
        assertThat(s.loraId()).isEqualTo(2);
        assertThat(s.loraName()).isEqualTo("sql-lora");
        assertThat(s.extraKeys()).containsExactly(List.of("sql-lora"), List.of("sql-lora"));
        assertThat(s.blockHashes().getFirst())
                .isEqualTo(digest(e.hasher().promptHashes(prompt, BS, "sql-lora", null)[0]))
                .isNotEqualTo(digest(e.hasher().promptHashes(prompt, BS, null, null)[0]));
    }

    @Test
    void eachStepWithEventsPublishesOneBatch() {
        Engine e = engine(100);
        for (int i = 0; i < 3; i++) {
            e.submit(request(e, tokens(32, 100 * i + 1), null, 3));
        }
        int steps = 0;
        while (e.hasWork()) {
            e.step();
            steps++;
        }
        // All three prefill in the first step: one batch with three stores; the decode step stores nothing.
        assertThat(steps).isGreaterThan(1);
        assertThat(batches).hasSize(1);
        assertThat(batches.getFirst().events()).hasSize(3).allMatch(x -> x instanceof BlockStored);
    }

    @Test
    void aRestartFailsItsRequestsEmptiesTheCacheAndSaysAllBlocksCleared() {
        Engine e = engine(100);
        int[] prompt = tokens(64, 1);
        e.submit(request(e, prompt, null));
        runUntilIdle(e);
        SimRequest waiting = request(e, tokens(32, 7), null);
        e.submit(waiting);
        List<KvEventBatch> after = new ArrayList<>();
        var done = e.restart(after::add);
        assertThat(done).isNotDone();
        e.step();
        assertThat(done).isDone();
        assertThat(failures).containsExactly("the pod restarted");
        assertThat(after.getFirst().events()).containsExactly(new AllBlocksCleared());
        e.submit(request(e, prompt, null));
        runUntilIdle(e);
        assertThat(e.stats().prefixHits()).as("nothing cached survives a restart").isZero();
        assertThat(after.get(1).events().getFirst()).isInstanceOf(BlockStored.class);
        assertThat(batches).as("the old sink hears nothing after the restart").hasSize(1);
    }

    @Test
    void withoutASinkNoEventIsBuilt() {
        Engine e = new Engine(SimConfig.defaults().withCache(5));
        e.submit(request(e, tokens(33, 1), null));
        runUntilIdle(e);
        e.submit(request(e, tokens(64, 500), null));
        runUntilIdle(e);
        assertThat(batches).isEmpty();
    }
}
