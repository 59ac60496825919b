package io.inferrouter.sim.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One vLLM V1 engine: continuous batching over a paged KV cache with prefix caching, chunked
 * prefill, preemption and LoRA slots. {@link #step} plans and applies one engine step and says how
 * long it takes in model time; the caller sleeps that long (scaled) and then delivers the step's
 * tokens, so output appears at the end of the step that produced it, as on a GPU.
 *
 * <p>Scheduling, per step, as vLLM's V1 scheduler: running requests first (the next prefill chunk, or
 * one decode token each), then waiting requests in arrival order while fewer than {@code max_num_seqs}
 * run, the token budget lasts and free KV blocks exist. When a running request needs a block and
 * none is free, the most recently admitted request is preempted: its blocks are freed (they keep
 * their hashes) and it waits again at the front, to be recomputed.
 *
 * <p>Only the engine thread calls {@link #step}; {@link #submit} may be called from any thread.
 */
public final class Engine {

    /** One planned step: its model time and the tokens it produces, delivered when it ends. */
    public record Step(double modelMs, int computedTokens, long contextTokens, List<Delivery> deliveries) {
        public boolean idle() {
            return computedTokens == 0 && deliveries.isEmpty();
        }
    }

    /** A token (or an end) to hand to a request's sink when the step ends. */
    public record Delivery(SimRequest request, int index, String text, boolean last) {
    }

    /** Told of each request's latencies, in the caller's clock. */
    public interface Observer {
        void firstToken(long ttftNanos);

        void interToken(long nanos);

        void finished(SimRequest r);
    }

    private final SimConfig cfg;
    private final KvCache cache;
    private final ConcurrentLinkedQueue<SimRequest> inbox = new ConcurrentLinkedQueue<>();
    private final Deque<SimRequest> waiting = new ArrayDeque<>();
    private final List<SimRequest> running = new ArrayList<>();
    private final Set<String> loadedLoras = new LinkedHashSet<>();
    private final SplittableRandom random;
    private long admissions;
    private long prefixQueries;
    private long prefixHits;
    private long preemptions;
    private long steps;
    private volatile EngineStats stats = new EngineStats(0, 0, 0, List.of(), List.of(), 0, 0, 0, 0);

    public Engine(SimConfig cfg) {
        this.cfg = cfg;
        this.cache = new KvCache(cfg.numGpuBlocks());
        this.random = new SplittableRandom(cfg.seed());
    }

    public SimConfig config() {
        return cfg;
    }

    /** @throws IllegalArgumentException when the request can never fit (too long for the model or the cache) */
    public void submit(SimRequest r) {
        int total = r.prompt.length + r.maxTokens;
        if (total > cfg.maxModelLen()) {
            throw new IllegalArgumentException("This model's maximum context length is " + cfg.maxModelLen()
                    + " tokens. However, you requested " + total + " tokens (" + r.prompt.length + " in the messages, "
                    + r.maxTokens + " in the completion). Please reduce the length of the messages or completion.");
        }
        if (blocksFor(total) > cfg.numGpuBlocks()) {
            throw new IllegalArgumentException("the request needs " + blocksFor(total) + " KV-cache blocks but the "
                    + "cache has " + cfg.numGpuBlocks());
        }
        inbox.add(r);
    }

    /** True when a step would do something. */
    public boolean hasWork() {
        return !inbox.isEmpty() || !running.isEmpty() || !waiting.isEmpty();
    }

    public EngineStats stats() {
        return stats;
    }

    /**
     * Requests waiting now: as of the last step, plus those submitted since (the API server has
     * accepted them, so they are queued as vLLM counts them, even while the engine is stalled).
     */
    public int waitingNow() {
        return stats.waiting() + inbox.size();
    }

    public Step step() {
        for (SimRequest r; (r = inbox.poll()) != null; ) {
            waiting.addLast(r);
        }
        int budget = cfg.maxBatchedTokens();
        int computed = 0;
        long context = 0;
        double extraMs = 0;
        List<Delivery> out = new ArrayList<>();

        for (SimRequest r : new ArrayList<>(running)) {
            if (budget == 0) {
                break;
            }
            if (r.state != SimRequest.State.RUNNING) {
                continue; // preempted earlier in this step
            }
            int chunk = r.prefilling() ? Math.min(r.contextTarget() - r.computed, budget) : 1;
            if (!ensureBlocks(r, r.computed + chunk)) {
                continue; // r itself was the newest and was preempted
            }
            r.computed += chunk;
            budget -= chunk;
            computed += chunk;
            context += r.computed;
            commitFullBlocks(r);
            if (!r.prefilling()) {
                produce(r, out);
            }
        }
        running.removeIf(r -> r.state == SimRequest.State.DONE);

        Iterator<SimRequest> it = waiting.iterator();
        while (it.hasNext() && running.size() < cfg.maxNumSeqs() && budget > 0) {
            SimRequest r = it.next();
            if (r.lora != null && !loadedLoras.contains(r.lora)) {
                if (loadedLoras.size() >= cfg.maxLoras() && !unloadIdleLora()) {
                    continue;
                }
            }
            int maxHit = (r.contextTarget() - 1) / cfg.blockSize();
            int hitBlocks = cache.cachedPrefix(r.blockHashes, maxHit);
            int hitTokens = hitBlocks * cfg.blockSize();
            int chunk = Math.min(r.contextTarget() - hitTokens, budget);
            int newBlocks = blocksFor(hitTokens + chunk) - hitBlocks;
            if (cache.freeBlocks() - cache.freeAmong(r.blockHashes, hitBlocks) < newBlocks) {
                break;
            }
            it.remove();
            if (r.lora != null && loadedLoras.add(r.lora)) {
                extraMs += cfg.loraLoadMs();
            }
            for (int b = 0; b < hitBlocks; b++) {
                r.blocks.add(cache.take(r.blockHashes[b]));
            }
            for (int b = 0; b < newBlocks; b++) {
                r.blocks.add(cache.allocate());
            }
            if (r.cachedTokens < 0) {
                r.cachedTokens = hitTokens;
                prefixQueries += r.prompt.length;
                prefixHits += hitTokens;
            }
            r.state = SimRequest.State.RUNNING;
            r.admittedSeq = ++admissions;
            r.computed = hitTokens + chunk;
            running.add(r);
            budget -= chunk;
            computed += chunk;
            context += r.computed;
            commitFullBlocks(r);
            if (!r.prefilling()) {
                produce(r, out);
            }
        }
        running.removeIf(r -> r.state == SimRequest.State.DONE);
        steps++;
        double ms = computed == 0 && out.isEmpty() ? 0 : cfg.stepMs(computed, context) + extraMs;
        if (ms > 0 && cfg.jitter() > 0) {
            ms *= Math.max(0.5, 1 + cfg.jitter() * random.nextGaussian());
        }
        publishStats();
        return new Step(ms, computed, context, out);
    }

    /** Hands the step's tokens to their requests; {@code nowNanos} is when the step ended. */
    public void deliver(Step step, long nowNanos, Observer observer) {
        for (Delivery d : step.deliveries()) {
            SimRequest r = d.request();
            if (d.index() == 0) {
                r.firstTokenNanos = nowNanos;
                observer.firstToken(nowNanos - r.arrivalNanos);
            } else {
                observer.interToken(nowNanos - r.lastTokenNanos);
            }
            r.lastTokenNanos = nowNanos;
            r.sink.token(d.index(), d.text());
            if (d.last()) {
                r.sink.finished(r.prompt.length, Math.max(0, r.cachedTokens), r.generated);
                observer.finished(r);
            }
        }
    }

    private void produce(SimRequest r, List<Delivery> out) {
        int index = r.generated++;
        boolean last = r.generated >= r.maxTokens;
        out.add(new Delivery(r, index, " w" + (index % 97), last));
        if (last) {
            r.state = SimRequest.State.DONE;
            release(r);
        }
    }

    /** Makes sure {@code r} has blocks for {@code tokens} tokens, preempting the newest requests if needed. */
    private boolean ensureBlocks(SimRequest r, int tokens) {
        int need = blocksFor(tokens) - r.blocks.size();
        while (need > cache.freeBlocks()) {
            SimRequest victim = null;
            for (SimRequest c : running) {
                if (c.state == SimRequest.State.RUNNING && (victim == null || c.admittedSeq > victim.admittedSeq)) {
                    victim = c;
                }
            }
            preempt(victim);
            if (victim == r) {
                return false;
            }
        }
        for (int i = 0; i < need; i++) {
            r.blocks.add(cache.allocate());
        }
        return true;
    }

    private void preempt(SimRequest victim) {
        release(victim);
        victim.computed = 0;
        victim.state = SimRequest.State.WAITING;
        running.remove(victim);
        waiting.addFirst(victim);
        preemptions++;
    }

    /**
     * Frees a request's blocks tail first, as vLLM's KV cache manager does: the free list evicts the
     * least recently freed block first, so the tail of a prefix goes before its head and the shared
     * head blocks (a system prompt) stay cached longest. Freeing head first would evict block 0 first
     * and break the whole chain, since a hit must start at the first block.
     */
    private void release(SimRequest r) {
        for (int i = r.blocks.size() - 1; i >= 0; i--) {
            cache.release(r.blocks.get(i));
        }
        r.blocks.clear();
    }

    private void commitFullBlocks(SimRequest r) {
        int full = Math.min(r.computed / cfg.blockSize(), r.blockHashes.length);
        for (int b = 0; b < full && b < r.blocks.size(); b++) {
            cache.commit(r.blocks.get(b), r.blockHashes[b]);
        }
    }

    private boolean unloadIdleLora() {
        Set<String> inUse = new TreeSet<>();
        running.forEach(r -> {
            if (r.lora != null) {
                inUse.add(r.lora);
            }
        });
        for (Iterator<String> it = loadedLoras.iterator(); it.hasNext(); ) {
            if (!inUse.contains(it.next())) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private int blocksFor(int tokens) {
        return (tokens + cfg.blockSize() - 1) / cfg.blockSize();
    }

    private void publishStats() {
        Set<String> runningLoras = new TreeSet<>();
        Set<String> waitingLoras = new TreeSet<>();
        running.forEach(r -> {
            if (r.lora != null) {
                runningLoras.add(r.lora);
            }
        });
        waiting.forEach(r -> {
            if (r.lora != null) {
                waitingLoras.add(r.lora);
            }
        });
        stats = new EngineStats(running.size(), waiting.size() + inbox.size(), cache.usage(),
                List.copyOf(runningLoras), List.copyOf(waitingLoras), prefixQueries, prefixHits, preemptions, steps);
    }
}
