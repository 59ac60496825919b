package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.kv.EndpointBlocks;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tokens.PromptTokenizer;
import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.metrics.EndpointId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prefers the endpoint that holds the longest run of the prompt's KV-cache blocks from the first,
 * as the servers' own KV events say ({@link io.inferrouter.gateway.kv.KvBlockIndex}): the score is
 * that run over the prompt's full blocks, 0..1. The prompt is tokenized with its model's tokenizer
 * and hashed with vLLM's block hash once per request, into the cycle state: at the block size the
 * endpoints' events report (else the pool's), with the target model as the LoRA name when the
 * endpoints stored blocks under it.
 *
 * <p>Falls back to the approximate {@link PrefixCacheScorer} (whose index keeps learning from every
 * served request, so a fallback has history) when the index has not caught up yet, when no
 * candidate has published KV events, when the model has no tokenizer, or when the tokenizer cannot
 * give this prompt's ids (a chat request for a Hugging Face tokenizer: the server renders its chat
 * template first). Each fallback is counted by reason.
 */
public final class PrecisePrefixCacheScorer implements Scorer {

    public static final String NAME = "precise-prefix-cache";

    /** The prompt's block hashes (vLLM's 64-bit form), or why there are none. */
    public static final SchedulingContext.Key<PromptHashes> PROMPT_HASHES =
            new SchedulingContext.Key<>("precise-prompt-hashes");

    /** What the KV-block index matched for the request, or why the scorer fell back. */
    public static final SchedulingContext.Key<PrefixMatch> MATCH = new SchedulingContext.Key<>("precise-prefix-match");

    /** Fallback reasons, as counted. */
    public static final String INDEX_NOT_READY = "index-not-ready";
    public static final String NO_KV_EVENTS = "no-kv-events";
    public static final String NO_TOKENIZER = "no-tokenizer";
    public static final String NOT_TOKENIZABLE = "not-tokenizable";

    /**
     * A request's block hashes.
     *
     * @param hashes  vLLM's 64-bit hash of each full block of the (capped) prompt, or null
     * @param missing   why there are none, when {@code hashes} is null
     * @param blockSize tokens per block hashed
     */
    public record PromptHashes(long[] hashes, String missing, int blockSize) {
    }

    private final PrecisePrefixSources sources;
    private final PrefixCacheScorer approximate;

    public PrecisePrefixCacheScorer(PrecisePrefixSources sources, PrefixCacheScorer approximate) {
        this.sources = sources;
        this.approximate = approximate;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double[] score(SchedulingContext context, List<Endpoint> candidates) {
        PrefixMatch match = context.computeIfAbsent(MATCH, c -> match(c, candidates));
        if (match.fallback() != null) {
            sources.metrics().preciseFallback(match.fallback());
            return approximate.score(context, candidates);
        }
        double[] scores = new double[candidates.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = match.share(candidates.get(i).id());
        }
        return scores;
    }

    private PrefixMatch match(SchedulingContext context, List<Endpoint> candidates) {
        if (!sources.indexReady().getAsBoolean()) {
            return PrefixMatch.fellBack(INDEX_NOT_READY);
        }
        EndpointBlocks[] known = new EndpointBlocks[candidates.size()];
        boolean any = false;
        for (int i = 0; i < known.length; i++) {
            known[i] = sources.index().endpoint(candidates.get(i).id());
            any |= known[i] != null;
        }
        if (!any) {
            return PrefixMatch.fellBack(NO_KV_EVENTS);
        }
        PromptHashes p = context.computeIfAbsent(PROMPT_HASHES, c -> hash(c, known));
        if (p.hashes() == null) {
            return PrefixMatch.fellBack(p.missing());
        }
        long[] hashes = p.hashes();
        Map<EndpointId, Integer> matched = new HashMap<>();
        if (hashes.length > 0) {
            for (int i = 0; i < known.length; i++) {
                int run = known[i] == null ? 0 : known[i].leadingRun(hashes);
                if (run > 0) {
                    matched.put(candidates.get(i).id(), run);
                }
            }
        }
        return new PrefixMatch(hashes.length, matched, null);
    }

    /** The approximate index learns from every served request, so that a fallback finds history. */
    @Override
    public void onServed(SchedulingContext context, Endpoint served) {
        approximate.onServed(context, served);
    }

    private double[] fallBack(SchedulingContext context, List<Endpoint> candidates, String reason) {
        sources.metrics().preciseFallback(reason);
        return approximate.score(context, candidates);
    }

    private PromptHashes hash(SchedulingContext context, EndpointBlocks[] known) {
        SchedulingRequest request = context.request();
        PromptTokenizer tokenizer = sources.tokenizers().forModel(request.targetModel());
        if (tokenizer == null) {
            return new PromptHashes(null, NO_TOKENIZER, 0);
        }
        int[] tokens = tokenizer.tokenize(request.prompt(), request.promptForm(), request.promptCut(),
                sources.maxTokens());
        if (tokens == null) {
            return new PromptHashes(null, NOT_TOKENIZABLE, 0);
        }
        int blockSize = 0;
        String lora = null;
        for (EndpointBlocks e : known) {
            if (e != null) {
                blockSize = blockSize == 0 ? e.blockSize() : blockSize;
                if (e.knowsAdapter(request.targetModel())) {
                    lora = request.targetModel();
                }
            }
        }
        if (blockSize == 0) {
            blockSize = context.pool().blockSizeTokens();
        }
        BlockHash[] blocks = sources.hasher().promptHashes(tokens, blockSize, lora, null);
        long[] hashes = new long[blocks.length];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = blocks[i].low64();
        }
        return new PromptHashes(hashes, null, blockSize);
    }
}
