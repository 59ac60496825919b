package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.concurrent.BoundedHandOff;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which endpoints were sent which prompt blocks: the gateway's model of each server's prefix cache.
 * Each endpoint remembers at most its capacity of blocks, least recently used first out, as the
 * server's KV cache drops them. Reads are lock-free map lookups on the request path; writes (a
 * routed request's blocks) are handed to one background thread through a lock-free bounded queue
 * (dropped and counted when it is full), so the request path never waits and takes no lock; an idle
 * writer is woken by the first update, so the index lags routing by a thread wake-up.
 *
 * <p>What this gateway learns ({@link #record}) is also told to an {@link Observer}, the peer
 * publisher, which shares it with the other replicas; what they learnt comes back through
 * {@link #learn} and is applied the same way.
 */
public final class PrefixIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrefixIndex.class);
    /** Longest idle wait; an update wakes the writer at once. */
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Under load the writer applies updates in batches this far apart instead of being woken for each
     * served request; a prompt learnt 1 ms late changes nothing for requests that take far longer.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * The endpoints holding one block. Replaced, never mutated. A set, because a popular system
     * prompt's blocks are held by every endpoint of the pool.
     */
    private record Holders(Set<EndpointId> endpoints) {
        boolean contains(EndpointId endpoint) {
            return endpoints.contains(endpoint);
        }
    }

    /** Told of every prompt this gateway's index records, on the request's thread: must not block. */
    @FunctionalInterface
    public interface Observer {
        Observer NONE = (pool, blocks, endpoint) -> { };

        void recorded(ResourceKey pool, long[] blocks, EndpointId endpoint);
    }

    /**
     * A routed request's blocks, or (blocks null) an endpoint to forget; {@code learnedAtMs} is when a
     * peer learnt it (0: this gateway, or a peer's report read while catching up: not timed).
     */
    private record Update(ResourceKey pool, long[] blocks, EndpointId endpoint, long learnedAtMs) {
    }

    /** One endpoint in one pool: an endpoint in two pools has a cache model in each. */
    private record Member(ResourceKey pool, EndpointId endpoint) {
    }

    /** Read by requests: block hash to holders, per pool. */
    private final Map<ResourceKey, ConcurrentHashMap<Long, Holders>> byPool = new ConcurrentHashMap<>();
    /** Written and read by the writer thread only: each endpoint's blocks in access order (its LRU). */
    private final Map<Member, LinkedHashMap<Long, Boolean>> lruByEndpoint = new HashMap<>();
    private final BoundedHandOff<Update> updates;
    private final int capacityPerEndpoint;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final Thread writer;
    private final Observer observer;
    private final LongConsumer peerLagMs;
    private volatile boolean running = true;
    /** Applies every update on the caller's thread: one thread owns the index (a replay), no writer runs. */
    private final boolean inline;

    /**
     * @param capacityPerEndpoint blocks remembered per endpoint before its least recently used are dropped
     * @param queueSize           routed requests waiting to be applied before new ones are dropped
     */
    public PrefixIndex(int capacityPerEndpoint, int queueSize) {
        this(capacityPerEndpoint, queueSize, Observer.NONE, ms -> { }, true);
    }

    /**
     * @param observer  told of every prompt {@link #record} remembers (the peer publisher)
     * @param peerLagMs told, for each of the peers' live prompts, how long after the peer learnt it the
     *                  index applied it
     */
    public PrefixIndex(int capacityPerEndpoint, int queueSize, Observer observer, LongConsumer peerLagMs) {
        this(capacityPerEndpoint, queueSize, observer, peerLagMs, true);
    }

    /** @param startWriter false leaves updates queued, never applied: for tests of the queue's bound */
    PrefixIndex(int capacityPerEndpoint, int queueSize, boolean startWriter) {
        this(capacityPerEndpoint, queueSize, Observer.NONE, ms -> { }, startWriter, false);
    }

    private PrefixIndex(int capacityPerEndpoint, int queueSize, Observer observer, LongConsumer peerLagMs,
                        boolean startWriter) {
        this(capacityPerEndpoint, queueSize, observer, peerLagMs, startWriter, false);
    }

    /**
     * An index used by one thread only, which applies each update as it is made, before the call
     * returns: a replay in virtual time, where "learnt 1 ms later" has no meaning and a decision must
     * see exactly what was served before it. No writer thread; not for the request path.
     */
    public static PrefixIndex singleThreaded(int capacityPerEndpoint) {
        return new PrefixIndex(capacityPerEndpoint, 1, Observer.NONE, ms -> { }, false, true);
    }

    private PrefixIndex(int capacityPerEndpoint, int queueSize, Observer observer, LongConsumer peerLagMs,
                        boolean startWriter, boolean inline) {
        if (capacityPerEndpoint < 1 || queueSize < 1) {
            throw new IllegalArgumentException("prefix index capacity and queue size must be >= 1");
        }
        this.capacityPerEndpoint = capacityPerEndpoint;
        this.inline = inline;
        this.observer = observer;
        this.peerLagMs = peerLagMs;
        this.updates = new BoundedHandOff<>(queueSize, LINGER_NANOS);
        Thread.Builder builder = Thread.ofPlatform().daemon().name("prefix-index-writer");
        this.writer = startWriter ? builder.start(this::applyUpdates) : builder.unstarted(this::applyUpdates);
    }

    /**
     * How many leading blocks of the prompt each endpoint holds, for the endpoints that hold at
     * least the first one. Costs blocks x holders, not blocks x pool size: after the first block only
     * the endpoints still matching are followed.
     */
    public Map<EndpointId, Integer> matchedBlocks(ResourceKey pool, long[] blocks) {
        ConcurrentHashMap<Long, Holders> index = byPool.get(pool);
        if (index == null || blocks.length == 0) {
            return Map.of();
        }
        Holders first = index.get(blocks[0]);
        if (first == null) {
            return Map.of();
        }
        Map<EndpointId, Integer> matched = new HashMap<>();
        List<EndpointId> alive = new ArrayList<>(first.endpoints());
        int depth = 1;
        while (depth < blocks.length && !alive.isEmpty()) {
            Holders holders = index.get(blocks[depth]);
            if (holders == null) {
                break;
            }
            int matchedSoFar = depth;
            // An endpoint that lacks this block matched exactly the blocks before it.
            alive.removeIf(e -> {
                if (holders.contains(e)) {
                    return false;
                }
                matched.put(e, matchedSoFar);
                return true;
            });
            depth++;
        }
        for (EndpointId e : alive) {
            matched.put(e, depth);
        }
        return matched;
    }

    /**
     * Remembers that {@code endpoint} of {@code pool} was sent these blocks. Never blocks the caller
     * and takes no lock; drops and counts the update when the writer is {@code queueSize} updates behind.
     */
    public void record(ResourceKey pool, long[] blocks, EndpointId endpoint) {
        if (blocks.length == 0) {
            return;
        }
        offer(new Update(pool, blocks, endpoint, 0));
        observer.recorded(pool, blocks, endpoint);
    }

    /**
     * Remembers that a peer replica sent {@code endpoint} of {@code pool} these blocks, like
     * {@link #record} but not told to the observer (the peer has shared it already).
     *
     * @param learnedAtMs when the peer learnt it, to time how late it is applied; 0 not to time it
     */
    public void learn(ResourceKey pool, long[] blocks, EndpointId endpoint, long learnedAtMs) {
        if (blocks.length > 0) {
            offer(new Update(pool, blocks, endpoint, learnedAtMs));
        }
    }

    private void offer(Update u) {
        if (inline) {
            queued.incrementAndGet();
            apply(u);
            applied.incrementAndGet();
            return;
        }
        if (updates.offer(u)) {
            queued.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /**
     * Forgets everything {@code endpoint} of {@code pool} was sent (it left the pool: deleted,
     * unready, relabelled). Handed to the writer like a routed request; dropped and counted when
     * the writer is {@code queueSize} updates behind.
     */
    public void forget(ResourceKey pool, EndpointId endpoint) {
        offer(new Update(pool, null, endpoint, 0));
    }

    /** Updates dropped because the writer fell behind. */
    public long droppedUpdates() {
        return dropped.get();
    }

    /** Updates handed over and not yet applied. */
    public long backlog() {
        return queued.get() - applied.get();
    }

    /** Distinct blocks currently remembered for a pool. */
    public int size(ResourceKey pool) {
        ConcurrentHashMap<Long, Holders> index = byPool.get(pool);
        return index == null ? 0 : index.size();
    }

    /** Waits until every update queued so far is applied (a peer replica catching up; tests), polling every 0.1 ms. */
    public boolean awaitApplied(long timeoutMs) {
        long target = queued.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (applied.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        updates.wake();
        writer.interrupt();
    }

    private void applyUpdates() {
        while (running) {
            Update u = updates.take(IDLE_WAIT_NANOS);
            if (u == null) {
                continue;
            }
            try {
                apply(u);
                if (u.learnedAtMs() > 0) {
                    peerLagMs.accept(System.currentTimeMillis() - u.learnedAtMs());
                }
            } catch (RuntimeException e) {
                LOG.warn("prefix index update failed error={}", e.toString());
            } finally {
                applied.incrementAndGet();
            }
        }
    }

    private void apply(Update u) {
        if (u.blocks() == null) {
            LinkedHashMap<Long, Boolean> lru = lruByEndpoint.remove(new Member(u.pool(), u.endpoint()));
            ConcurrentHashMap<Long, Holders> index = byPool.get(u.pool());
            if (lru != null && index != null) {
                lru.keySet().forEach(block -> forget(index, block, u.endpoint()));
            }
            return;
        }
        ConcurrentHashMap<Long, Holders> index = byPool.computeIfAbsent(u.pool(), p -> new ConcurrentHashMap<>());
        LinkedHashMap<Long, Boolean> lru = lruByEndpoint.computeIfAbsent(new Member(u.pool(), u.endpoint()),
                e -> new LinkedHashMap<>(1024, 0.75f, true));
        for (long block : u.blocks()) {
            lru.put(block, Boolean.TRUE);
            Holders old = index.get(block);
            if (old == null) {
                index.put(block, new Holders(Set.of(u.endpoint())));
            } else if (!old.contains(u.endpoint())) {
                Set<EndpointId> grown = new HashSet<>(old.endpoints());
                grown.add(u.endpoint());
                index.put(block, new Holders(Collections.unmodifiableSet(grown)));
            }
        }
        var eldest = lru.entrySet().iterator();
        while (lru.size() > capacityPerEndpoint && eldest.hasNext()) {
            long block = eldest.next().getKey();
            eldest.remove();
            forget(index, block, u.endpoint());
        }
    }

    private static void forget(ConcurrentHashMap<Long, Holders> index, long block, EndpointId endpoint) {
        Holders old = index.get(block);
        if (old == null || !old.contains(endpoint)) {
            return;
        }
        if (old.endpoints().size() == 1) {
            index.remove(block);
        } else {
            Set<EndpointId> shrunk = new HashSet<>(old.endpoints());
            shrunk.remove(endpoint);
            index.put(block, new Holders(Collections.unmodifiableSet(shrunk)));
        }
    }
}
