package io.inferrouter.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sanity checks of BENCHMARKS.md on the engine alone, in model time: steps are driven one by
 * one and their model times added up, so these tests are exact and take milliseconds.
 */
class EngineModelTest {

    private static final SimConfig NO_JITTER = new SimConfig(SimConfig.DEFAULT_MODEL, List.of(), 4, 20, 256, 8192, 16,
            28_000, 32_768, 1.1, 5.4, 0.036, 0.00006, 5, 0, 1.0, 1.0, false, 1);

    /** Drives an engine in model time. */
    private static final class Clock implements Engine.Observer {
        final Engine engine;
        double nowMs;
        final List<Double> ttftMs = new ArrayList<>();
        final List<Double> itlMs = new ArrayList<>();

        Clock(SimConfig c) {
            engine = new Engine(c);
        }

        void submit(String prompt, int maxTokens, String lora) {
            engine.submit(new SimRequest("r", Tokenizer.encode(prompt), maxTokens, lora, engine.hasher(), 16,
                    new NullSink(), (long) (nowMs * 1e6)));
        }

        void runUntilIdle() {
            while (engine.hasWork()) {
                Engine.Step s = engine.step();
                nowMs += s.modelMs();
                engine.deliver(s, (long) (nowMs * 1e6), this);
            }
        }

        @Override
        public void firstToken(long ttftNanos) {
            ttftMs.add(ttftNanos / 1e6);
        }

        @Override
        public void interToken(long nanos) {
            itlMs.add(nanos / 1e6);
        }

        @Override
        public void finished(SimRequest r) {
        }
    }

    private static final class NullSink implements TokenSink {
        @Override
        public void token(int index, String text) {
        }

        @Override
        public void finished(int promptTokens, int cachedTokens, int outputTokens) {
        }

        @Override
        public void failed(String reason) {
        }
    }

    private static String words(int n, String seed) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(seed).append(i % 1000).append(' ');
        }
        return b.toString();
    }

    /** Median inter-token time with {@code batch} requests of 512-token prompts decoding together. */
    private static double tpot(int batch) {
        Clock c = new Clock(NO_JITTER);
        for (int i = 0; i < batch; i++) {
            c.submit(words(512, "b" + i + "x"), 64, null);
        }
        c.runUntilIdle();
        List<Double> sorted = c.itlMs.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void timePerOutputTokenIsFlatUpToAboutSixteenToThirtyTwoThenRises() {
        double b1 = tpot(1);
        double b16 = tpot(16);
        double b64 = tpot(64);
        double b256 = tpot(256);
        assertThat(b1).isBetween(6.4, 6.8);
        assertThat(b16 / b1).isLessThan(1.15);
        assertThat(b64 / b16).isGreaterThan(1.15);
        assertThat(b256 / b64).isGreaterThan(1.5);
    }

    @Test
    void aTwoThousandTokenPrefillTakesAboutSeventyFiveMilliseconds() {
        Clock c = new Clock(NO_JITTER);
        c.submit(words(2048, "p"), 1, null);
        c.runUntilIdle();
        assertThat(c.ttftMs.get(0)).isBetween(70.0, 80.0);
    }

    @Test
    void ttftHasAKneeAsTheArrivalRateRises() {
        double[] rates = {2, 8, 32, 64};
        double[] p90 = new double[rates.length];
        for (int k = 0; k < rates.length; k++) {
            Clock c = new Clock(NO_JITTER);
            double gapMs = 1000 / rates[k];
            double nextArrival = 0;
            int sent = 0;
            while (sent < 120 || c.engine.hasWork()) {
                while (sent < 120 && nextArrival <= c.nowMs) {
                    c.submit(words(1024, "q" + sent + "x"), 128, null);
                    nextArrival += gapMs;
                    sent++;
                }
                if (!c.engine.hasWork()) {
                    c.nowMs = nextArrival;
                    continue;
                }
                Engine.Step s = c.engine.step();
                c.nowMs += s.modelMs();
                c.engine.deliver(s, (long) (c.nowMs * 1e6), c);
            }
            List<Double> sorted = c.ttftMs.stream().sorted().toList();
            p90[k] = sorted.get((int) (sorted.size() * 0.9));
        }
        assertThat(p90[1]).isLessThan(p90[0] * 3);
        assertThat(p90[3]).isGreaterThan(p90[1] * 5);
    }

    @Test
    void preemptionsStartOnceKvDemandExceedsTheCache() {
        SimConfig small = NO_JITTER.withCache(600);
        Clock fits = new Clock(small);
        for (int i = 0; i < 4; i++) {
            fits.submit(words(512, "f" + i + "x"), 256, null);
        }
        fits.runUntilIdle();
        assertThat(fits.engine.stats().preemptions()).isZero();

        Clock over = new Clock(small);
        for (int i = 0; i < 12; i++) {
            over.submit(words(512, "o" + i + "x"), 700, null);
        }
        over.runUntilIdle();
        assertThat(over.engine.stats().preemptions()).isPositive();
        assertThat(over.ttftMs).hasSize(12);
    }

    @Test
    void aRepeatedPrefixIsServedFromTheCache() {
        Clock c = new Clock(NO_JITTER);
        String system = words(2000, "sys");
        c.submit(system + words(50, "a"), 4, null);
        c.runUntilIdle();
        c.submit(system + words(50, "b"), 4, null);
        c.runUntilIdle();
        EngineStats s = c.engine.stats();
        assertThat(s.prefixHits()).isGreaterThanOrEqualTo(1984);
        assertThat(c.ttftMs.get(1)).isLessThan(c.ttftMs.get(0) / 3);
    }

    @Test
    void underCachePressureAFreedPrefixLosesItsTailBlocksFirstAndKeepsItsHead() {
        // 20 blocks of 16 tokens. A one-letter seed keeps every word one token: 160 tokens = 10 blocks.
        Clock c = new Clock(NO_JITTER.withCache(20));
        String prefix = words(160, "a");
        c.submit(prefix, 1, null);
        c.runUntilIdle();
        // 12 blocks for another prompt: the 10 never-used blocks, then the 2 first freed of the prefix's.
        c.submit(words(192, "b"), 1, null);
        c.runUntilIdle();
        long hitsBefore = c.engine.stats().prefixHits();
        c.submit(prefix, 1, null);
        c.runUntilIdle();
        // Freed tail first, the prefix lost blocks 9 and 8 and keeps blocks 0-7; freed head first, it
        // would have lost block 0 and with it the whole chain (0 hits).
        assertThat(c.engine.stats().prefixHits() - hitsBefore).isEqualTo(8 * 16);
    }

    @Test
    void theSamePrefixWithAnotherLoraIsNotAHit() {
        SimConfig lora = NO_JITTER.withAdapters(List.of("sql"), 2);
        Clock c = new Clock(lora);
        String system = words(512, "sys");
        c.submit(system, 2, null);
        c.runUntilIdle();
        c.submit(system, 2, "sql");
        c.runUntilIdle();
        assertThat(c.engine.stats().prefixHits()).isZero();
    }

    @Test
    void requestsForMoreLorasThanSlotsWaitForASlot() {
        SimConfig lora = NO_JITTER.withAdapters(List.of("a", "b", "c"), 1);
        Clock c = new Clock(lora);
        c.submit(words(16, "x"), 50, "a");
        c.submit(words(16, "y"), 50, "b");
        Engine.Step first = c.engine.step();
        assertThat(c.engine.stats().loraRunning()).containsExactly("a");
        assertThat(c.engine.stats().loraWaiting()).containsExactly("b");
        c.nowMs += first.modelMs();
        c.engine.deliver(first, (long) (c.nowMs * 1e6), c);
        c.runUntilIdle();
        assertThat(c.ttftMs).hasSize(2);
    }

    @Test
    void requestsThatCanNeverFitAreRefused() {
        Engine e = new Engine(NO_JITTER.withCache(10));
        assertThatThrownBy(() -> e.submit(new SimRequest("r", new int[200], 10, null, e.hasher(), 16, new NullSink(), 0)))
                .hasMessageContaining("KV-cache blocks");
        Engine fresh = new Engine(NO_JITTER);
        assertThatThrownBy(() -> fresh.submit(new SimRequest("r", new int[32_000], 1_000, null, fresh.hasher(), 16,
                new NullSink(), 0))).hasMessageContaining("maximum context length");
    }

    @Test
    void theTokenizerGivesEqualIdsForEqualTextWithinTheVocabulary() {
        assertThat(Tokenizer.encode("hello world")).containsExactly(Tokenizer.encode("hello   world"));
        assertThat(Tokenizer.encode("hello world")).isNotEqualTo(Tokenizer.encode("hello moon"));
        // Real token ids are below the vocabulary size, which raw String hashes are not.
        assertThat(Arrays.stream(Tokenizer.encode(words(2_000, "zzzz") + " \u65e5\u672c\u8a9e\u306e\u6587")).boxed())
                .allMatch(id -> id >= 0 && id < Tokenizer.VOCAB_SIZE);
        assertThat(Tokenizer.encode("abcdefghij")).hasSize(3);
        assertThat(Tokenizer.encode("")).isEmpty();
    }
}
