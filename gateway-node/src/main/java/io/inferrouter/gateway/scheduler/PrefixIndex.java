package io.inferrouter.gateway.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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

    /** The endpoints holding one block, and when it was last routed. Replaced, never mutated. */
    private record Holders(String[] endpoints, long lastUsed) {
        boolean contains(String endpoint) {
            for (String e : endpoints) {
                if (e.equals(endpoint)) {
                    return true;
                }
            }
            return false;
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

    /** For each candidate, how many leading blocks of the prompt it holds. */
    public int[] matchedBlocks(String pool, long[] blocks, List<String> candidates) {
        int[] matched = new int[candidates.size()];
        ConcurrentHashMap<Long, Holders> index = byPool.get(pool);
        if (index == null || blocks.length == 0) {
            return matched;
        }
        for (int i = 0; i < blocks.length; i++) {
            Holders holders = index.get(blocks[i]);
            if (holders == null) {
                break;
            }
            boolean anyStillMatching = false;
            for (int c = 0; c < matched.length; c++) {
                if (matched[c] == i && holders.contains(candidates.get(c))) {
                    matched[c] = i + 1;
                    anyStillMatching = true;
                }
            }
            if (!anyStillMatching) {
                break;
            }
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
            String[] endpoints;
            if (old == null) {
                endpoints = new String[] {u.endpoint()};
            } else if (old.contains(u.endpoint())) {
                endpoints = old.endpoints();
            } else {
                endpoints = Arrays.copyOf(old.endpoints(), old.endpoints().length + 1);
                endpoints[endpoints.length - 1] = u.endpoint();
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
