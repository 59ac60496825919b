package io.inferrouter.sim.engine;

import java.util.List;

/**
 * One simulated vLLM V1 pod (defaults: Llama-3.1-8B BF16 on one H100, see BENCHMARKS.md).
 *
 * @param model             the base model name served
 * @param adapters          LoRA adapters the pod knows
 * @param maxLoras          adapters loaded at once ({@code max_loras})
 * @param loraLoadMs        time one adapter load adds to the step that loads it
 * @param maxNumSeqs        running requests at most ({@code max_num_seqs})
 * @param maxBatchedTokens  tokens computed per step at most ({@code max_num_batched_tokens})
 * @param blockSize         KV-cache block size in tokens
 * @param numGpuBlocks      KV-cache blocks
 * @param maxModelLen       prompt plus output tokens at most
 * @param c0Ms              fixed cost of a step
 * @param wMs               the floor of the compute term (memory-bound small batches)
 * @param aMsPerToken       compute per computed token
 * @param kMsPerContextToken attention reads per context token
 * @param frontendMs        API server time before a request reaches the engine
 * @param jitter            relative standard deviation of step times
 * @param timeScale         real time per model time: 0.1 runs ten times faster than a real H100
 * @param stepMultiplier    a slower (or faster) GPU: multiplies every step time
 * @param oldKvMetricName   also expose {@code vllm:gpu_cache_usage_perc} (vLLM before V1)
 * @param seed              seeds the jitter
 * @param hashSeed          the pod's {@code PYTHONHASHSEED}: the root of its prefix-cache block hashes
 *                          (vLLM's {@code sha256_cbor}); null gives a random root, as vLLM without it
 */
public record SimConfig(String model, List<String> adapters, int maxLoras, double loraLoadMs, int maxNumSeqs,
                        int maxBatchedTokens, int blockSize, int numGpuBlocks, int maxModelLen, double c0Ms,
                        double wMs, double aMsPerToken, double kMsPerContextToken, double frontendMs, double jitter,
                        double timeScale, double stepMultiplier, boolean oldKvMetricName, long seed,
                        String hashSeed) {

    public static final String DEFAULT_MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    /** A fixed root, so that a router can compute the pods' block hashes without being told. */
    public static final String DEFAULT_HASH_SEED = "0";

    public SimConfig {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model is required");
        }
        adapters = adapters == null ? List.of() : List.copyOf(adapters);
        positive(maxNumSeqs, "max-num-seqs");
        positive(maxBatchedTokens, "max-num-batched-tokens");
        positive(blockSize, "block-size");
        positive(numGpuBlocks, "num-gpu-blocks");
        positive(maxModelLen, "max-model-len");
        if (maxLoras < 0 || loraLoadMs < 0 || c0Ms < 0 || wMs < 0 || aMsPerToken < 0 || kMsPerContextToken < 0
                || frontendMs < 0 || jitter < 0) {
            throw new IllegalArgumentException("simulator costs and counts must not be negative");
        }
        if (!(timeScale > 0) || !(stepMultiplier > 0)) {
            throw new IllegalArgumentException("time-scale and step-multiplier must be positive");
        }
        if (hashSeed != null && hashSeed.isEmpty()) {
            throw new IllegalArgumentException("the hash seed must not be empty (null gives a random root)");
        }
    }

    /** A pod with the default hash seed. */
    public SimConfig(String model, List<String> adapters, int maxLoras, double loraLoadMs, int maxNumSeqs,
                     int maxBatchedTokens, int blockSize, int numGpuBlocks, int maxModelLen, double c0Ms, double wMs,
                     double aMsPerToken, double kMsPerContextToken, double frontendMs, double jitter, double timeScale,
                     double stepMultiplier, boolean oldKvMetricName, long seed) {
        this(model, adapters, maxLoras, loraLoadMs, maxNumSeqs, maxBatchedTokens, blockSize, numGpuBlocks, maxModelLen,
                c0Ms, wMs, aMsPerToken, kMsPerContextToken, frontendMs, jitter, timeScale, stepMultiplier,
                oldKvMetricName, seed, DEFAULT_HASH_SEED);
    }

    public static SimConfig defaults() {
        return new SimConfig(DEFAULT_MODEL, List.of(), 4, 20, 256, 8192, 16, 28_000, 32_768, 1.1, 5.4, 0.036, 0.00006,
                5, 0.02, 1.0, 1.0, false, 1);
    }

    public SimConfig withTimeScale(double scale) {
        return new SimConfig(model, adapters, maxLoras, loraLoadMs, maxNumSeqs, maxBatchedTokens, blockSize,
                numGpuBlocks, maxModelLen, c0Ms, wMs, aMsPerToken, kMsPerContextToken, frontendMs, jitter, scale,
                stepMultiplier, oldKvMetricName, seed, hashSeed);
    }

    public SimConfig withCache(int blocks) {
        return new SimConfig(model, adapters, maxLoras, loraLoadMs, maxNumSeqs, maxBatchedTokens, blockSize, blocks,
                maxModelLen, c0Ms, wMs, aMsPerToken, kMsPerContextToken, frontendMs, jitter, timeScale, stepMultiplier,
                oldKvMetricName, seed, hashSeed);
    }

    public SimConfig withStepMultiplier(double m) {
        return new SimConfig(model, adapters, maxLoras, loraLoadMs, maxNumSeqs, maxBatchedTokens, blockSize,
                numGpuBlocks, maxModelLen, c0Ms, wMs, aMsPerToken, kMsPerContextToken, frontendMs, jitter, timeScale,
                m, oldKvMetricName, seed, hashSeed);
    }

    public SimConfig withAdapters(List<String> names, int slots) {
        return new SimConfig(model, names, slots, loraLoadMs, maxNumSeqs, maxBatchedTokens, blockSize, numGpuBlocks,
                maxModelLen, c0Ms, wMs, aMsPerToken, kMsPerContextToken, frontendMs, jitter, timeScale, stepMultiplier,
                oldKvMetricName, seed, hashSeed);
    }

    public SimConfig withSeed(long s) {
        return new SimConfig(model, adapters, maxLoras, loraLoadMs, maxNumSeqs, maxBatchedTokens, blockSize,
                numGpuBlocks, maxModelLen, c0Ms, wMs, aMsPerToken, kMsPerContextToken, frontendMs, jitter, timeScale,
                stepMultiplier, oldKvMetricName, s, hashSeed);
    }

    /** Another {@code PYTHONHASHSEED}; null for a random root. */
    public SimConfig withHashSeed(String h) {
        return new SimConfig(model, adapters, maxLoras, loraLoadMs, maxNumSeqs, maxBatchedTokens, blockSize,
                numGpuBlocks, maxModelLen, c0Ms, wMs, aMsPerToken, kMsPerContextToken, frontendMs, jitter, timeScale,
                stepMultiplier, oldKvMetricName, seed, h);
    }

    /** The LoRA's integer id ({@code lora_int_id}): its place among the adapters, from 1; null for none. */
    public Integer loraId(String lora) {
        int i = lora == null ? -1 : adapters.indexOf(lora);
        return i < 0 ? null : i + 1;
    }

    /** Model time of one step, in milliseconds: {@code c0 + max(W, a*N) + k*C}, times the step multiplier. */
    public double stepMs(int computedTokens, long contextTokens) {
        return (c0Ms + Math.max(wMs, aMsPerToken * computedTokens) + kMsPerContextToken * contextTokens) * stepMultiplier;
    }

    private static void positive(int v, String what) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, was " + v);
        }
    }
}
