package io.inferrouter.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The workloads of BENCHMARKS.md, generated from a seed. Token counts are scaled by {@code scale}
 * so that the shared prefixes and cache pressure keep their ratio to a (smaller) simulated KV cache.
 */
public final class Workload {

    /** What the benchmark can run. */
    public enum Kind { W1, W2, W3, W4, W5, W6, W7 }

    private final Kind kind;
    private final double scale;
    private final SplittableRandom random;
    private final String model;
    private final List<String> systemPrompts = new ArrayList<>();
    private final List<String> adapters;
    private final List<StringBuilder> sessions = new ArrayList<>();
    private final int groups;

    /**
     * @param groups   shared-prefix groups (W2-W4, W7) or sessions (W5)
     * @param adapters LoRA adapter names for W6 (more than the pods' max_loras)
     */
    public Workload(Kind kind, double scale, long seed, String model, int groups, List<String> adapters) {
        if (scale <= 0) {
            throw new IllegalArgumentException("scale must be positive");
        }
        this.kind = kind;
        this.scale = scale;
        this.random = new SplittableRandom(seed);
        this.model = model;
        this.groups = groups;
        this.adapters = List.copyOf(adapters);
        int systemTokens = switch (kind) {
            case W2, W7 -> 2048;
            case W3 -> 256;
            case W4 -> 6000;
            default -> 0;
        };
        for (int g = 0; g < groups && systemTokens > 0; g++) {
            systemPrompts.add("group " + g + ": " + Text.words(random, tokens(systemTokens)));
        }
        for (int s = 0; kind == Kind.W5 && s < groups; s++) {
            sessions.add(new StringBuilder("session " + s + ": "));
        }
    }

    public Kind kind() {
        return kind;
    }

    /** Gamma burstiness of arrivals: 0.5 for W7, else Poisson. */
    public double burstiness() {
        return kind == Kind.W7 ? 0.5 : 1.0;
    }

    public RequestSpec next() {
        return switch (kind) {
            case W1 -> sharegpt(model);
            case W6 -> sharegpt(adapters.isEmpty() ? model : adapters.get(random.nextInt(adapters.size())));
            case W2, W7 -> grouped(256, 256);
            case W3 -> grouped(2048, 256);
            case W4 -> grouped(1200, 1000);
            case W5 -> turn();
        };
    }

    private RequestSpec sharegpt(String m) {
        // Log-normal lengths with means near 200 input and 180 output tokens, as ShareGPT's.
        int in = clamp((int) Math.round(Math.exp(4.9 + 0.8 * random.nextGaussian())), 4, 2048);
        int out = clamp((int) Math.round(Math.exp(4.8 + 0.8 * random.nextGaussian())), 4, 1024);
        return new RequestSpec(m, "", Text.words(random, tokens(in)), tokens(out), "none");
    }

    private RequestSpec grouped(int questionTokens, int outputTokens) {
        int g = random.nextInt(groups);
        return new RequestSpec(model, systemPrompts.get(g), Text.words(random, tokens(questionTokens)),
                tokens(outputTokens), "g" + g);
    }

    private RequestSpec turn() {
        int s = random.nextInt(groups);
        StringBuilder history = sessions.get(s);
        history.append("user: ").append(Text.words(random, tokens(100))).append('\n');
        String prompt = history.toString();
        history.append("assistant: ").append(Text.words(random, tokens(120))).append('\n');
        return new RequestSpec(model, "", prompt, tokens(120), "s" + s);
    }

    private int tokens(int n) {
        return Math.max(1, (int) Math.round(n * scale));
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
