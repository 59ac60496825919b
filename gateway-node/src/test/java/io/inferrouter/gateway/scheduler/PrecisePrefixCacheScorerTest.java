package io.inferrouter.gateway.scheduler;

import static io.inferrouter.gateway.tables.Endpoints.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.kv.KvBlockIndex;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.Endpoints;
import io.inferrouter.gateway.tokens.PromptForm;
import io.inferrouter.gateway.tokens.Tokenizers;
import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.kv.BlockHasher;
import io.inferrouter.schemas.kv.KvBlockEvent;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.tokens.SimTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrecisePrefixCacheScorerTest {

    /** 8 blocks of 16 tokens: each 4-character word is one token of the simulator's tokenizer. */
    private static final String PROMPT = IntStream.range(0, 8 * 16).mapToObj(i -> String.format("w%03d", i))
            .collect(Collectors.joining(" "));
    private static final BlockHasher HASHER = BlockHasher.seeded("0");

    private final Endpoint a = endpoint("a", 0, 0, 1);
    private final Endpoint b = endpoint("b", 0, 0, 1);
    private final Endpoint c = endpoint("c", 0, 0, 1);
    private final Endpoint d = endpoint("d", 0, 0, 1);
    private final List<Endpoint> all = List.of(a, b, c, d);
    private final KvBlockIndex index = new KvBlockIndex(10_000);
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private final List<String> fallbacks = new CopyOnWriteArrayList<>();
    private final GatewayMetrics metrics = new GatewayMetrics() {
        @Override
        public void preciseFallback(String reason) {
            fallbacks.add(reason);
        }
    };
    private final PrefixIndex prefixIndex = new PrefixIndex(10_000, 1_000);
    private final PrefixCacheScorer approximate = new PrefixCacheScorer(prefixIndex);

    @AfterEach
    void close() {
        prefixIndex.close();
    }

    private PrecisePrefixCacheScorer scorer(Tokenizers tokenizers) {
        return new PrecisePrefixCacheScorer(new PrecisePrefixSources(index, ready::get, tokenizers, HASHER, 16_384,
                metrics), approximate);
    }

    private PrecisePrefixCacheScorer scorer() {
        return scorer(Tokenizers.load(Map.of(), "sim"));
    }

    private static SchedulingContext context(String model, String prompt, PromptForm form, Endpoint... endpoints) {
        return new SchedulingContext(new SchedulingRequest(model, prompt, form, false, false, false),
                Endpoints.pool(endpoints), 1);
    }

    private static SchedulingContext context(String prompt) {
        return context("m", prompt, PromptForm.TEXT, new Endpoint[0]);
    }

    static long[] hashes(String prompt, int blockSize, String lora) {
        BlockHash[] h = HASHER.promptHashes(SimTokenizer.encode(prompt), blockSize, lora, null);
        return Arrays.stream(h).mapToLong(BlockHash::low64).toArray();
    }

    private void holds(Endpoint e, long... blocks) {
        index.apply(KvEventsRecord.snapshot(e.id(), Endpoints.POOL, 0, blocks, 1, "test"));
    }

    private void stores(Endpoint e, String lora, int blockSize, long... blocks) {
        List<String> hex = Arrays.stream(blocks).mapToObj(KvBlockEvent::hex).toList();
        index.apply(new KvEventsRecord(e.id(), Endpoints.POOL, KvEventsRecord.Kind.BATCH, 0, 1.0, 0,
                List.of(new KvBlockEvent(KvBlockEvent.Type.STORED, hex, null, blockSize, lora, "GPU")), List.of(),
                null, 1, "test"));
    }

    @Test
    void scoresTheLongestRunOfLeadingBlocksEachEndpointHolds() {
        long[] h = hashes(PROMPT, 16, null);
        assertThat(h).hasSize(8);
        holds(a, Arrays.copyOf(h, 4));
        holds(b, h);
        holds(c, h[0], h[1], h[3], h[4], h[5]);
        double[] s = scorer().score(context(PROMPT), all);
        assertThat(s).containsExactly(4 / 8.0, 1.0, 2 / 8.0, 0.0);
        assertThat(fallbacks).isEmpty();
    }

    @Test
    void thePromptIsTokenizedAndHashedOncePerRequest() {
        long[] h = hashes(PROMPT, 16, null);
        holds(a, h);
        SchedulingContext context = context(PROMPT);
        PrecisePrefixCacheScorer scorer = scorer();
        scorer.score(context, all);
        PrecisePrefixCacheScorer.PromptHashes kept = context.computeIfAbsent(PrecisePrefixCacheScorer.PROMPT_HASHES,
                x -> {
                    throw new AssertionError("hashed twice");
                });
        assertThat(kept.hashes()).containsExactly(h);
        assertThat(scorer.score(context, all)).containsExactly(1.0, 0.0, 0.0, 0.0);
    }

    @Test
    void aPoolWhoseEndpointsPublishNoEventsIsScoredByTheApproximateScorer() {
        holds(endpoint("elsewhere", 0, 0, 1), hashes(PROMPT, 16, null));
        PrecisePrefixCacheScorer scorer = scorer();
        SchedulingContext first = context(PROMPT);
        scorer.onServed(first, b);
        assertThat(prefixIndex.awaitApplied(5_000)).isTrue();

        double[] s = scorer.score(context(PROMPT), all);
        assertThat(s).containsExactly(approximate.score(context(PROMPT), all));
        assertThat(s[1]).isGreaterThan(0);
        assertThat(fallbacks).containsExactly(PrecisePrefixCacheScorer.NO_KV_EVENTS);
    }

    @Test
    void untilTheIndexHasCaughtUpTheApproximateScorerDecides() {
        holds(a, hashes(PROMPT, 16, null));
        ready.set(false);
        assertThat(scorer().score(context(PROMPT), all)).containsExactly(0.0, 0.0, 0.0, 0.0);
        assertThat(fallbacks).containsExactly(PrecisePrefixCacheScorer.INDEX_NOT_READY);
        ready.set(true);
        assertThat(scorer().score(context(PROMPT), all)[0]).isEqualTo(1.0);
    }

    @Test
    void aModelWithoutTokenizerOrAPromptItsTokenizerCannotReproduceFallsBack() {
        holds(a, hashes(PROMPT, 16, null));
        assertThat(scorer(Tokenizers.load(Map.of(), "none")).score(context(PROMPT), all))
                .containsExactly(0.0, 0.0, 0.0, 0.0);
        Path llama3 = Path.of(getClass().getResource("/tokens/llama3-style.json").getPath());
        PrecisePrefixCacheScorer hf = scorer(Tokenizers.load(Map.of("m", "hf:" + llama3), "none"));
        hf.score(context("m", "system: hi\n", PromptForm.CHAT), all);
        assertThat(fallbacks).containsExactly(PrecisePrefixCacheScorer.NO_TOKENIZER,
                PrecisePrefixCacheScorer.NOT_TOKENIZABLE);
    }

    @Test
    void blocksAreHashedAtTheBlockSizeTheEndpointsReport() {
        long[] h32 = hashes(PROMPT, 32, null);
        stores(a, null, 32, h32);
        double[] s = scorer().score(context(PROMPT), all);
        assertThat(s[0]).isEqualTo(1.0);
    }

    @Test
    void anAdapterTheEndpointsStoredBlocksUnderIsPartOfTheHash() {
        long[] base = hashes(PROMPT, 16, null);
        long[] adapter = hashes(PROMPT, 16, "sql-lora");
        assertThat(adapter[0]).isNotEqualTo(base[0]);
        stores(a, "sql-lora", 16, adapter);
        holds(b, base);
        assertThat(scorer().score(context("sql-lora", PROMPT, PromptForm.TEXT), all))
                .containsExactly(1.0, 0.0, 0.0, 0.0);
        assertThat(scorer().score(context("m", PROMPT, PromptForm.TEXT), all))
                .containsExactly(0.0, 1.0, 0.0, 0.0);
    }

    @Test
    void promptsShorterThanABlockScoreZeroEverywhere() {
        holds(a, hashes(PROMPT, 16, null));
        assertThat(scorer().score(context("w000 w001"), all)).containsExactly(0.0, 0.0, 0.0, 0.0);
    }

    @Test
    void theServedEndpointTeachesTheApproximateIndexToo() {
        holds(a, hashes(PROMPT, 16, null));
        List<Endpoint> two = new ArrayList<>(List.of(a, b));
        PrecisePrefixCacheScorer scorer = scorer();
        scorer.onServed(context(PROMPT), b);
        assertThat(prefixIndex.awaitApplied(5_000)).isTrue();
        assertThat(approximate.score(context(PROMPT), two)[1]).isGreaterThan(0);
    }
}
