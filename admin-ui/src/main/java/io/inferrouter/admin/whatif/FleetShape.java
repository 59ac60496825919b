package io.inferrouter.admin.whatif;

import io.inferrouter.sim.engine.SimConfig;
import java.util.Objects;

/**
 * The simulated fleet a what-if replay routes to: {@code pods} model-sim engines of one pool, each
 * configured as {@code sim} (pod {@code i} with jitter seed {@code sim.seed() + i}, as model-sim's
 * fleet does). The pool's KV block size, which the gateway reads from the pods' metrics, is
 * {@code sim.blockSize()}. Virtual time runs as the real-time fleet's wall clock would: a step of
 * model time {@code m} takes {@code m * sim.timeScale()}, so a window recorded from a devstack run at
 * time scale 10 replays in the units it was recorded in.
 *
 * @param pods the pool's size, 1-1000
 * @param sim  every pod's engine configuration
 */
public record FleetShape(int pods, SimConfig sim) {

    /** The routing-quality benchmark's default pool: 8 pods. */
    public static final int BENCH_PODS = 8;
    /** The routing-quality benchmark's default KV cache per pod: 2,000 blocks of 16 tokens. */
    public static final int BENCH_KV_BLOCKS = 2_000;

    public FleetShape {
        if (pods < 1 || pods > 1_000) {
            throw new IllegalArgumentException("a what-if fleet needs 1-1000 pods, was " + pods);
        }
        Objects.requireNonNull(sim, "sim");
    }

    /** The routing-quality benchmark's defaults: 8 pods, model-sim's defaults with 2,000 KV blocks, time scale 1. */
    public static FleetShape benchDefaults() {
        return new FleetShape(BENCH_PODS, SimConfig.defaults().withCache(BENCH_KV_BLOCKS));
    }

    /** KV-cache block size in tokens, as the pods report it. */
    public int blockSize() {
        return sim.blockSize();
    }

    /** Pod {@code i}'s engine configuration. */
    public SimConfig podConfig(int i) {
        return sim.withSeed(sim.seed() + i);
    }

    /** True when the pods serve {@code model}: the base model or one of its LoRA adapters. */
    public boolean serves(String model) {
        return sim.model().equals(model) || sim.adapters().contains(model);
    }
}
