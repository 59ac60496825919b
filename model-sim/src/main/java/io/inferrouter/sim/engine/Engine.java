package io.inferrouter.sim.engine;

import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.kv.BlockHasher;
import io.inferrouter.schemas.kv.ExternalBlockHash;
import io.inferrouter.schemas.kv.KvEvent;
import io.inferrouter.schemas.kv.KvEventBatch;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

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
 * <p>KV-cache events, as vLLM's block pool emits them: a {@code BlockStored} when a request's blocks
 * become full and are cached (one event per run of new blocks, with the parent's hash), a
 * {@code BlockRemoved} when a cached block is reused for something else, an {@code AllBlocksCleared}
 * on {@link #restart}. Each step's events go to the {@link KvEventSink} as one batch.
 *
 * <p>Only the engine thread calls {@link #step} and {@link #applyRestart}; {@link #submit} and
 * {@link #restart} may be called from any thread.
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
        /** Told nothing: an engine whose latencies its driver measures itself (a replay, a test). */
        Observer NONE = new Observer() {
            @Override
            public void firstToken(long ttftNanos) {
            }

            @Override
            public void interToken(long nanos) {
            }

            @Override
            public void finished(SimRequest r) {
            }
        };

        void firstToken(long ttftNanos);

        void interToken(long nanos);

        void finished(SimRequest r);
    }

    private final SimConfig cfg;
    private final BlockHasher hasher;
    private final KvCache cache;
    private final List<KvEvent> stepEvents = new ArrayList<>();
    private final AtomicReference<Restart> pendingRestart = new AtomicReference<>();
    private KvEventSink events;
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

    private record Restart(KvEventSink events, CompletableFuture<Void> done) {
    }

    public Engine(SimConfig cfg) {
        this(cfg, KvEventSink.NONE);
    }

    /** @param events where each step's KV-cache events go; {@link KvEventSink#NONE} for none */
    public Engine(SimConfig cfg, KvEventSink events) {
        this.cfg = cfg;
        this.hasher = cfg.hashSeed() == null ? BlockHasher.unseeded() : BlockHasher.seeded(cfg.hashSeed());
        this.events = events;
        this.cache = new KvCache(cfg.numGpuBlocks(), e -> {
            if (this.events != KvEventSink.NONE) {
                stepEvents.add(e);
            }
        });
        this.random = new SplittableRandom(cfg.seed());
    }

    public SimConfig config() {
        return cfg;
    }

    /** The pod's block hasher: requests' prompt hashes must come from it. */
    public BlockHasher hasher() {
        return hasher;
    }

    /**
     * Restarts the engine as a new process would start: every request fails, the KV cache is empty
     * (one {@code AllBlocksCleared}, the first event sent to {@code newEvents}), no LoRA is loaded.
     * Applied by the engine thread at its next step; the future completes then.
     */
    public CompletableFuture<Void> restart(KvEventSink newEvents) {
        Restart r = new Restart(newEvents, new CompletableFuture<>());
        Restart previous = pendingRestart.getAndSet(r);
        if (previous != null) {
            r.done().whenComplete((v, e) -> previous.done().complete(null));
        }
        return r.done();
    }

    public boolean restartPending() {
        return pendingRestart.get() != null;
    }

    /** Applies a pending {@link #restart}; engine thread only. */
    public void applyRestart() {
        Restart r = pendingRestart.getAndSet(null);
        if (r == null) {
            return;
        }
        List<SimRequest> all = new ArrayList<>(running);
        all.addAll(waiting);
        for (SimRequest q; (q = inbox.poll()) != null; ) {
            all.add(q);
        }
        running.clear();
        waiting.clear();
        for (SimRequest q : all) {
            q.state = SimRequest.State.DONE;
            q.blocks.clear();
            q.sink.failed("the pod restarted");
        }
        cache.reset();
        loadedLoras.clear();
        stepEvents.clear();
        events = r.events();
        if (events != KvEventSink.NONE) {
            events.publish(new KvEventBatch(epochSeconds(), List.of(new KvEvent.AllBlocksCleared()), 0));
        }
        publishStats();
        r.done().complete(null);
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
        return !inbox.isEmpty() || !running.isEmpty() || !waiting.isEmpty() || restartPending();
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
        applyRestart();
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
            r.hashedBlocks = hitBlocks;
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
        if (!stepEvents.isEmpty()) {
            events.publish(new KvEventBatch(epochSeconds(), List.copyOf(stepEvents), 0));
            stepEvents.clear();
        }
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
        r.hashedBlocks = 0;
    }

    /**
     * Caches the request's newly full prompt blocks under their hashes and reports each run of
     * blocks new to the cache as one {@code BlockStored} whose parent is the block before the run.
     */
    private void commitFullBlocks(SimRequest r) {
        int full = Math.min(Math.min(r.computed / cfg.blockSize(), r.blockHashes.length), r.blocks.size());
        int runStart = -1;
        for (int b = r.hashedBlocks; b < full; b++) {
            boolean added = cache.commit(r.blocks.get(b), r.blockHashes[b]);
            if (added && runStart < 0) {
                runStart = b;
            } else if (!added && runStart >= 0) {
                stored(r, runStart, b);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            stored(r, runStart, full);
        }
        r.hashedBlocks = Math.max(r.hashedBlocks, full);
    }

    private void stored(SimRequest r, int from, int to) {
        if (events == KvEventSink.NONE) {
            return;
        }
        int bs = cfg.blockSize();
        List<ExternalBlockHash> hashes = new ArrayList<>(to - from);
        for (int b = from; b < to; b++) {
            hashes.add(new ExternalBlockHash.Digest(r.blockHashes[b]));
        }
        BlockHash parent = from == 0 ? null : r.blockHashes[from - 1];
        List<Integer> tokens = new ArrayList<>((to - from) * bs);
        for (int i = from * bs; i < to * bs; i++) {
            tokens.add(r.prompt[i]);
        }
        stepEvents.add(KvEvent.BlockStored.onGpu(hashes, parent == null ? null : new ExternalBlockHash.Digest(parent),
                tokens, bs, cfg.loraId(r.lora), r.lora));
    }

    private static double epochSeconds() {
        Instant now = Instant.now();
        return now.getEpochSecond() + now.getNano() / 1e9;
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
