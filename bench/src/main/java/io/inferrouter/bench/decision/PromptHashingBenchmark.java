package io.inferrouter.bench.decision;

import io.inferrouter.gateway.config.ProfileConfig;
import io.inferrouter.gateway.kv.KvBlockIndex;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.scheduler.KvCacheScorer;
import io.inferrouter.gateway.scheduler.MaxScorePicker;
import io.inferrouter.gateway.scheduler.PrecisePrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrecisePrefixSources;
import io.inferrouter.gateway.scheduler.PrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.QueueScorer;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.gateway.scheduler.SchedulingRequest;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.EndpointLoad;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tokens.HfTokenizer;
import io.inferrouter.gateway.tokens.PromptForm;
import io.inferrouter.gateway.tokens.PromptTokenizer;
import io.inferrouter.gateway.tokens.SimPromptTokenizer;
import io.inferrouter.gateway.tokens.Tokenizers;
import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.kv.BlockHasher;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.metrics.ScrapeFacts;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.EndpointRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the precise prefix-cache scorer adds per request, on an 8,192-token prompt: tokenizing it
 * (model-sim's tokenizer, or a Hugging Face tokenizer.json: the small test one by default,
 * {@code --tokenizer-json PATH} for a real one), hashing its 512 blocks with vLLM's sha256_cbor, and a
 * whole decision of the {@code precise} profile at 100 endpoints whose KV-event index holds the
 * prompt's shared first half on a tenth of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PromptHashingBenchmark {

    /** The test tokenizer, from the repository root where {@code ./dev bench} runs. */
    public static final String TEST_TOKENIZER = "gateway-node/src/test/resources/tokens/llama3-style.json";
    private static final ResourceKey POOL = ResourceKey.of("bench", "pool");
    private static final int TOKENS = 8_192;
    private static final String[] WORDS = {"the", "system", "prompt", "says", "you", "are", "a", "helpful",
        "assistant.", "Answer", "questions", "about", "Paris,", "France,", "in", "2024", "and", "don't", "repeat",
        "yourself;", "tokens", "cache", "blocks", "(KV)", "hashes", "12345", "prefix", "routing", "model", "server"};

    @Param({"sim", "hf"})
    public String tokenizer;

    /** The tokenizer.json of {@code hf}; empty: {@link #TEST_TOKENIZER}. */
    @Param({""})
    public String tokenizerJson;

    private PromptTokenizer prompts;
    private String text;
    private int[] tokens;
    private BlockHasher hasher;
    private Scheduler precise;
    private PoolSnapshot pool;
    private PrefixIndex prefixIndex;
    private SchedulingRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        String file = tokenizerJson.isEmpty() ? TEST_TOKENIZER : tokenizerJson;
        prompts = tokenizer.equals("sim") ? new SimPromptTokenizer() : HfTokenizer.load(Path.of(file));
        Random random = new Random(42);
        StringBuilder b = new StringBuilder();
        while (prompts.tokenize(b.toString(), PromptForm.TEXT, false, Integer.MAX_VALUE).length < TOKENS) {
            for (int i = 0; i < 200; i++) {
                b.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
        }
        text = b.toString();
        tokens = prompts.tokenize(text, PromptForm.TEXT, false, TOKENS);
        hasher = BlockHasher.seeded("0");

        // 100 endpoints; a tenth hold the prompt's first half (a shared system prompt), each one more of it.
        long now = System.currentTimeMillis();
        List<Endpoint> list = new ArrayList<>();
        KvBlockIndex index = new KvBlockIndex(131_072);
        long[] hashes = Arrays.stream(hasher.promptHashes(tokens, 16, null, null)).mapToLong(BlockHash::low64)
                .toArray();
        for (int i = 0; i < 100; i++) {
            EndpointId id = new EndpointId("bench", "pod-" + i, 8000);
            EngineReport report = new EngineReport("vllm", EngineLoad.of(random.nextInt(20), random.nextInt(64),
                    random.nextDouble()), new CacheGeometry(16, 28000, 0L, 0L),
                    new ScrapeFacts(100, null, now, Long.MAX_VALUE / 4, "bench"));
            list.add(new Endpoint(new EndpointRow(POOL, id, "10.0.0." + i, 8000, Map.of(), report, now),
                    new EndpointLoad()));
            long[] held = i % 10 == 0 ? Arrays.copyOf(hashes, hashes.length / 2 - 10 + i / 10)
                    : random.longs(2_000).toArray();
            index.apply(KvEventsRecord.snapshot(id, POOL, 0, held, now, "bench"));
        }
        pool = new PoolSnapshot(POOL, null, list, 16);
        prefixIndex = new PrefixIndex(31_250, 100_000);
        Tokenizers byModel = tokenizer.equals("sim") ? Tokenizers.load(Map.of(), "sim")
                : Tokenizers.load(Map.of(), "hf:" + file);
        PrecisePrefixSources sources = new PrecisePrefixSources(index, () -> true, byModel, hasher, TOKENS * 2,
                GatewayMetrics.NOOP);
        ProfileConfig p = ProfileConfig.builtIn().get("precise");
        precise = new Scheduler(p.name(), List.of(), List.of(
                new Scheduler.WeightedScorer(new QueueScorer(), p.scorers().get("queue")),
                new Scheduler.WeightedScorer(new KvCacheScorer(), p.scorers().get("kv-cache")),
                new Scheduler.WeightedScorer(new PrecisePrefixCacheScorer(sources,
                        new PrefixCacheScorer(prefixIndex, 256)), p.scorers().get("precise-prefix-cache"))),
                new MaxScorePicker(), Long.MAX_VALUE);
        request = new SchedulingRequest("llama", text, PromptForm.TEXT, false, false, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        prefixIndex.close();
    }

    /** The prompt's token ids, as the scorer computes them once per request. */
    @Benchmark
    public int[] tokenize() {
        return prompts.tokenize(text, PromptForm.TEXT, false, TOKENS);
    }

    /** vLLM's chained sha256_cbor hash of the prompt's 512 blocks of 16 tokens. */
    @Benchmark
    public BlockHash[] hashBlocks() {
        return hasher.promptHashes(tokens, 16, null, null);
    }

    /** Both: the precise scorer's per-request work before it looks anything up. */
    @Benchmark
    public BlockHash[] tokenizeAndHash() {
        return hasher.promptHashes(prompts.tokenize(text, PromptForm.TEXT, false, TOKENS), 16, null, null);
    }

    /** A whole decision of the precise profile at 100 endpoints, tokenizing and hashing included. */
    @Benchmark
    public Object decidePrecise() {
        return precise.schedule(request, pool, System.currentTimeMillis());
    }
}
