package io.inferrouter.gateway.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which endpoints were sent which prompt blocks: the gateway's model of each server's prefix cache.
 * Reads are lock-free map lookups on the request path. Writes (a routed request's blocks) are
 * queued and applied by one background thread, so the request path never waits; the index lags
 * routing by microseconds. When it holds more than its capacity, the least recently used blocks
 * are dropped, as a server's cache drops them.
 */
public final class PrefixIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrefixIndex.class);

    /**
     * The endpoints holding one block, and when it was last routed. Replaced, never mutated. A set,
     * because a popular system prompt's blocks are held by every endpoint of the pool.
     */
    private record Holders(Set<String> endpoints, long lastUsed) {
        boolean contains(String endpoint) {
            return endpoints.contains(endpoint);
        }
    }

    private record Update(String pool, long[] blocks, String endpoint) {
    }

    private final Map<String, ConcurrentHashMap<Long, Holders>> byPool = new ConcurrentHashMap<>();
    private final BlockingQueue<Update> updates;
    private final int capacityPerPool;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    /**
     * @param capacityPerPool blocks remembered per pool before the least recently used are dropped
     * @param queueSize       routed requests waiting to be applied before new ones are dropped
     */
    public PrefixIndex(int capacityPerPool, int queueSize) {
        if (capacityPerPool < 1 || queueSize < 1) {
            throw new IllegalArgumentException("prefix index capacity and queue size must be >= 1");
        }
        this.capacityPerPool = capacityPerPool;
        this.updates = new ArrayBlockingQueue<>(queueSize);
        this.writer = Thread.ofPlatform().daemon().name("prefix-index-writer").start(this::applyUpdates);
    }

    /**
     * How many leading blocks of the prompt each endpoint holds, for the endpoints that hold at
     * least the first one. Costs blocks x holders, not blocks x pool size: after the first block only
     * the endpoints still matching are followed.
     */
    public Map<String, Integer> matchedBlocks(String pool, long[] blocks) {
        ConcurrentHashMap<Long, Holders> index = byPool.get(pool);
        if (index == null || blocks.length == 0) {
            return Map.of();
        }
        Holders first = index.get(blocks[0]);
        if (first == null) {
            return Map.of();
        }
        Map<String, Integer> matched = new java.util.HashMap<>();
        List<String> alive = new ArrayList<>(first.endpoints());
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
        for (String e : alive) {
            matched.put(e, depth);
        }
        return matched;
    }

    /** Remembers that {@code endpoint} was sent these blocks; never blocks the caller. */
    public void record(String pool, long[] blocks, String endpoint) {
        if (blocks.length == 0) {
            return;
        }
        if (updates.offer(new Update(pool, blocks, endpoint))) {
            queued.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Updates dropped because the writer fell behind. */
    public long droppedUpdates() {
        return dropped.get();
    }

    /** Blocks currently remembered for a pool. */
    public int size(String pool) {
        ConcurrentHashMap<Long, Holders> index = byPool.get(pool);
        return index == null ? 0 : index.size();
    }

    /** Waits until every update queued so far is applied; for tests and orderly shutdown. */
    public boolean awaitApplied(long timeoutMs) {
        long target = queued.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (applied.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        writer.interrupt();
    }

    private void applyUpdates() {
        while (running) {
            try {
                Update u = updates.poll(100, TimeUnit.MILLISECONDS);
                if (u != null) {
                    try {
                        apply(u);
                    } finally {
                        applied.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("prefix index update failed error={}", e.toString());
            }
        }
    }

    private void apply(Update u) {
        ConcurrentHashMap<Long, Holders> index = byPool.computeIfAbsent(u.pool(), p -> new ConcurrentHashMap<>());
        long now = clock.incrementAndGet();
        for (long block : u.blocks()) {
            Holders old = index.get(block);
            Set<String> endpoints;
            if (old == null) {
                endpoints = Set.of(u.endpoint());
            } else if (old.contains(u.endpoint())) {
                endpoints = old.endpoints();
            } else {
                Set<String> grown = new HashSet<>(old.endpoints());
                grown.add(u.endpoint());
                endpoints = Collections.unmodifiableSet(grown);
            }
            index.put(block, new Holders(endpoints, now));
        }
        if (index.size() > capacityPerPool) {
            evictOldest(index);
        }
    }

    /** Drops the least recently used tenth, so eviction runs rarely rather than on every update. */
    private void evictOldest(ConcurrentHashMap<Long, Holders> index) {
        List<long[]> ages = new ArrayList<>(index.size());
        index.forEach((block, h) -> ages.add(new long[] {h.lastUsed(), block}));
        ages.sort((a, b) -> Long.compare(a[0], b[0]));
        int toDrop = index.size() - capacityPerPool + capacityPerPool / 10;
        for (int i = 0; i < toDrop && i < ages.size(); i++) {
            index.remove(ages.get(i)[1]);
        }
    }
}
