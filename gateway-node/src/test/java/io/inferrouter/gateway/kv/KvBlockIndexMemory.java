package io.inferrouter.gateway.kv;

import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * Heap the KV-block index takes per million blocks, measured (not a test: run by hand, in a JVM of its
 * own, with the test classpath): heap in use after full GCs, before and after folding one million
 * blocks in, stored as vLLM does (batches of STORED events) and, with churn, removed and stored again.
 * Prints bytes per block for a few endpoint counts, and the index's own array estimate.
 */
public final class KvBlockIndexMemory {

    private KvBlockIndexMemory() {
    }

    public static void main(String[] args) {
        // Once to load and compile the classes involved, so that the measured runs count the index only.
        measure(100, true);
        for (int endpoints : new int[] {10, 100, 1_000}) {
            measure(endpoints, false);
            measure(endpoints, true);
        }
    }

    private static void measure(int endpoints, boolean churn) {
        ResourceKey pool = ResourceKey.of("mem", "pool");
        int perEndpoint = 1_000_000 / endpoints;
        long before = usedAfterGc();
        KvBlockIndex index = new KvBlockIndex(1_000_000);
        Random random = new Random(1);
        for (int e = 0; e < endpoints; e++) {
            EndpointId id = new EndpointId("mem", "pod-" + e, 8000);
            int stored = churn ? 3 * perEndpoint : perEndpoint;
            java.util.ArrayDeque<long[]> live = new java.util.ArrayDeque<>();
            int held = 0;
            for (int from = 0; from < stored; from += 512) {
                long[] batch = random.longs(Math.min(512, stored - from)).toArray();
                index.apply(batchOf(id, pool, batch));
                live.add(batch);
                held += batch.length;
                // With churn, the oldest stored blocks are removed again: the endpoint keeps perEndpoint.
                while (churn && held > perEndpoint) {
                    long[] oldest = live.poll();
                    index.endpoint(id).removed(oldest);
                    held -= oldest.length;
                }
            }
        }
        long after = usedAfterGc();
        long blocks = index.blockCount();
        System.out.printf("endpoints=%d churn=%b blocks=%d heap=%.1f MB bytesPerBlock=%.1f arrayEstimate=%.1f%n",
                endpoints, churn, blocks, (after - before) / 1e6, (after - before) / (double) blocks,
                index.arrayBytes() / (double) blocks);
        if (index.endpointCount() != endpoints) {
            throw new IllegalStateException("lost endpoints");
        }
    }

    private static KvEventsRecord batchOf(EndpointId id, ResourceKey pool, long[] hashes) {
        java.util.List<String> hex = java.util.Arrays.stream(hashes)
                .mapToObj(io.inferrouter.schemas.kv.KvBlockEvent::hex).toList();
        return new KvEventsRecord(id, pool, KvEventsRecord.Kind.BATCH, 0, 1.0, 0, java.util.List.of(
                new io.inferrouter.schemas.kv.KvBlockEvent(io.inferrouter.schemas.kv.KvBlockEvent.Type.STORED, hex,
                        null, 16, null, "GPU")), java.util.List.of(), null, 0, "m");
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
