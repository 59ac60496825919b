package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.kv.KvBlockIndex;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.tokens.Tokenizers;
import io.inferrouter.schemas.kv.BlockHasher;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What the precise prefix-cache scorer reads, built once at start.
 *
 * @param index      which endpoints hold which KV blocks, from their events
 * @param indexReady true once the index has caught up with the log (until then the scorer falls back)
 * @param tokenizers the tokenizer of each model
 * @param hasher     vLLM's block hash with the servers' hash seed
 * @param maxTokens  leading prompt tokens tokenized and hashed
 * @param metrics    where fallbacks are counted
 */
public record PrecisePrefixSources(KvBlockIndex index, BooleanSupplier indexReady, Tokenizers tokenizers,
                                   BlockHasher hasher, int maxTokens, GatewayMetrics metrics) {

    public PrecisePrefixSources {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(indexReady, "indexReady");
        Objects.requireNonNull(tokenizers, "tokenizers");
        Objects.requireNonNull(hasher, "hasher");
        Objects.requireNonNull(metrics, "metrics");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be >= 1, was " + maxTokens);
        }
    }

    /** No index and no tokenizer: the scorer always falls back to the approximate one. */
    public static PrecisePrefixSources off() {
        return new PrecisePrefixSources(new KvBlockIndex(1), () -> false, Tokenizers.EMPTY, BlockHasher.seeded("0"),
                1, GatewayMetrics.NOOP);
    }
}
