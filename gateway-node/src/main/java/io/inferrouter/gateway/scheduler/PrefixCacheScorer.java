package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Prefers the endpoint most likely to hold the prompt's prefix in its KV cache: the share of the
 * prompt's leading blocks this gateway has sent it before (greedy longest-prefix match). It hashes
 * the prompt's blocks once per request, into the cycle state, and learns from the endpoint that
 * served the request ({@link #onServed}), so a retry on another endpoint credits that one.
 */
public final class PrefixCacheScorer implements Scorer {

    public static final String NAME = "prefix-cache";

    /**
     * The prompt's chained block hashes (blocks of the pool's KV block size, seeded by the target
     * model), shared with any plugin that reads prefix blocks.
     */
    public static final SchedulingContext.Key<long[]> PROMPT_BLOCKS = new SchedulingContext.Key<>("prompt-blocks");

    /** What the approximate index matched for the request. */
    public static final SchedulingContext.Key<PrefixMatch> MATCH = new SchedulingContext.Key<>("prefix-match");

    private final PrefixIndex index;
    private final Function<SchedulingContext, long[]> hashPrompt;

    /** With the default number of leading blocks hashed ({@code prefix.max-blocks}). */
    public PrefixCacheScorer(PrefixIndex index) {
        this(index, GatewayConfig.PREFIX_MAX_BLOCKS.fallback().get());
    }

    /** @param maxBlocks leading prompt blocks hashed; long prompts are cut there */
    public PrefixCacheScorer(PrefixIndex index, int maxBlocks) {
        if (maxBlocks < 1) {
            throw new IllegalArgumentException("prefix max blocks must be >= 1, was " + maxBlocks);
        }
        this.index = index;
        this.hashPrompt = c -> PromptBlocks.hash(c.request().prompt(), c.request().targetModel(),
                c.pool().blockSizeTokens() * PromptBlocks.CHARS_PER_TOKEN, maxBlocks);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double[] score(SchedulingContext context, List<Endpoint> candidates) {
        PrefixMatch match = context.computeIfAbsent(MATCH, this::match);
        double[] scores = new double[candidates.size()];
        if (match.matched().isEmpty()) {
            return scores;
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = match.share(candidates.get(i).id());
        }
        return scores;
    }

    private PrefixMatch match(SchedulingContext context) {
        long[] blocks = context.computeIfAbsent(PROMPT_BLOCKS, hashPrompt);
        if (blocks.length == 0) {
            return new PrefixMatch(0, Map.of(), null);
        }
        return new PrefixMatch(blocks.length, index.matchedBlocks(context.pool().key(), blocks), null);
    }

    @Override
    public void onServed(SchedulingContext context, Endpoint served) {
        index.record(context.pool().key(), context.computeIfAbsent(PROMPT_BLOCKS, hashPrompt), served.id());
    }
}
