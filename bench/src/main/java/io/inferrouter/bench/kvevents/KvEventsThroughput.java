package io.inferrouter.bench.kvevents;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.bench.pipeline.BenchPipeline;
import io.inferrouter.bench.quality.RouterOverhead;
import io.inferrouter.bench.report.Csv;
import io.inferrouter.gateway.kv.KvEventsReplica;
import io.inferrouter.schemas.kv.ExternalBlockHash;
import io.inferrouter.schemas.kv.KvEvent;
import io.inferrouter.schemas.kv.KvEventBatch;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.sim.engine.KvEventSink;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.fleet.SimPod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput and latency of the KV-event pipeline alone: simulated pods (idle engines, real ZeroMQ
 * publishers on their loopback addresses) publish batches shaped like vLLM's (one BlockStored of
 * {@code --blocks-per-batch} chained blocks, and one BlockRemoved per block evicted to keep each pod's
 * cache full) at a ladder of rates; state-ingestor subscribes and relays them to {@code kv.events};
 * a gateway folds them into its index. Per stage: batches offered, published by the pods, applied by
 * the ingestor and by the gateway's index, events/s, the pods' drops, and the gateway's
 * {@code gateway_kv_event_index_lag} (pod timestamp to index) at p50/p99.
 */
public final class KvEventsThroughput {

    static final String COLUMNS = "pods,offeredBatchesPerSecond,publishedBatchesPerSecond,ingestedBatchesPerSecond,"
            + "ingestedEventsPerSecond,indexedRecordsPerSecond,lagP50Ms,lagP99Ms,ingestorToAckP50Ms,ingestorToAckP99Ms,"
            + "droppedByPods,seconds";
    static final String INGESTOR_TIMER = "ingestor_kv_publish_latency";

    /** The command line {@link #run} reads. */
    public static final List<Option> OPTIONS = List.of(
            Option.value("--pods", "N", "32", "simulated pods, each publishing KV events"),
            Option.value("--rates", "LIST", "10,50,100,200", "batches per second per pod, one stage each"),
            Option.value("--seconds", "N", "10", "seconds per stage"),
            Option.value("--blocks-per-batch", "N", "8", "KV blocks stored per batch"),
            Option.value("--kv-blocks", "N", "2000", "KV-cache blocks per pod"),
            Option.value("--scrape-interval", "DURATION", "1s", "the ingestor's scrape interval of the pods' /metrics"),
            Option.value("--out", "DIR", "bench/results", "where the results go"));

    private KvEventsThroughput() {
    }

    public static void run(BenchArgs args) throws Exception {
        int pods = args.integer("--pods");
        int seconds = args.integer("--seconds");
        int blocksPerBatch = args.integer("--blocks-per-batch");
        int cacheBlocks = args.integer("--kv-blocks");
        List<Double> rates = args.decimals("--rates");
        String scrapeInterval = args.string("--scrape-interval");
        Path work = Files.createTempDirectory("kv-events-");
        System.out.printf(Locale.ROOT, "kv-events pipeline: %d pods, %d blocks per batch, %d cached blocks per pod, "
                + "per-pod rates %s batches/s, %d s per stage, scrapes every %s%n", pods, blocksPerBatch, cacheBlocks,
                rates, seconds, scrapeInterval);
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, String> gatewayEnv = Map.of("GATEWAY_DEFAULT_TOKENIZER", "sim", "GATEWAY_SCHEDULER_PROFILE",
                "precise");
        // The event path is what is measured: the pods' /metrics are scraped every second, not every 50 ms,
        // so that 32 pods' scrapes (640/s through Kafka and Streams) do not take the two cores from it.
        Map<String, String> ingestorEnv = Map.of("INGESTOR_SCRAPE_INTERVAL", scrapeInterval);
        try (BenchPipeline pipeline = new BenchPipeline(pods, "127.0.2.1", SimConfig.defaults().withCache(cacheBlocks),
                work, new BenchPipeline.Options(gatewayEnv, null, List.of(), 1, true, ingestorEnv))) {
            pipeline.awaitRoutable(Duration.ofSeconds(120));
            KvEventsReplica replica = pipeline.gateway().kvEvents();
            awaitSubscribed(pipeline, replica, pods);
            List<PodLoad> loads = pipeline.fleet().pods().stream()
                    .map(p -> new PodLoad(p, blocksPerBatch, cacheBlocks, p.name().hashCode())).toList();
            System.out.printf("%n%8s %10s %10s %10s %10s %10s %9s %9s %9s %9s %8s%n", "rate/pod", "offered/s",
                    "published/s", "ingested/s", "events/s", "indexed/s", "lag p50", "lag p99", "ack p50", "ack p99",
                    "dropped");
            for (double rate : rates) {
                long published0 = published(pipeline);
                long dropped0 = dropped(pipeline);
                double[] ingested0 = ingested(pipeline);
                long indexed0 = replica.index().recordsApplied();
                RouterOverhead.Snapshot lag0 = RouterOverhead.snapshot(pipeline.gatewayRegistries(),
                        "gateway_kv_event_index_lag");
                RouterOverhead.Snapshot ack0 = RouterOverhead.snapshot(List.of(pipeline.ingestorRegistry()),
                        INGESTOR_TIMER);
                long started = System.nanoTime();
                long offered = drive(loads, rate, seconds);
                // What was published reaches the index within the lag; wait for it, bounded.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (replica.index().recordsApplied() - indexed0 < published(pipeline) - published0
                        && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                double elapsed = (System.nanoTime() - started) / 1e9;
                double[] ingested = ingested(pipeline);
                RouterOverhead lag = RouterOverhead.between(lag0, RouterOverhead.snapshot(pipeline.gatewayRegistries(),
                        "gateway_kv_event_index_lag"));
                RouterOverhead ack = RouterOverhead.between(ack0, RouterOverhead.snapshot(
                        List.of(pipeline.ingestorRegistry()), INGESTOR_TIMER));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("pods", pods);
                row.put("offeredBatchesPerSecond", offered / (double) seconds);
                row.put("publishedBatchesPerSecond", (published(pipeline) - published0) / elapsed);
                row.put("ingestedBatchesPerSecond", (ingested[0] - ingested0[0]) / elapsed);
                row.put("ingestedEventsPerSecond", (ingested[1] - ingested0[1]) / elapsed);
                row.put("indexedRecordsPerSecond", (replica.index().recordsApplied() - indexed0) / elapsed);
                row.put("lagP50Ms", lag.p50Micros() / 1e3);
                row.put("lagP99Ms", lag.p99Micros() / 1e3);
                row.put("ingestorToAckP50Ms", ack.p50Micros() / 1e3);
                row.put("ingestorToAckP99Ms", ack.p99Micros() / 1e3);
                row.put("droppedByPods", dropped(pipeline) - dropped0);
                row.put("seconds", elapsed);
                rows.add(row);
                System.out.printf(Locale.ROOT, "%8.0f %10.0f %10.0f %10.0f %10.0f %10.0f %9.1f %9.1f %9.1f %9.1f %8d%n",
                        rate, row.get("offeredBatchesPerSecond"), row.get("publishedBatchesPerSecond"),
                        row.get("ingestedBatchesPerSecond"), row.get("ingestedEventsPerSecond"),
                        row.get("indexedRecordsPerSecond"), row.get("lagP50Ms"), row.get("lagP99Ms"),
                        row.get("ingestorToAckP50Ms"), row.get("ingestorToAckP99Ms"), (long) row.get("droppedByPods"));
            }
        }
        Path out = Path.of(args.string("--out"));
        Files.createDirectories(out);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "kv-events-throughput");
        doc.put("at", Instant.now().toString());
        doc.put("pods", pods);
        doc.put("blocksPerBatch", blocksPerBatch);
        doc.put("kvBlocksPerPod", cacheBlocks);
        doc.put("secondsPerStage", seconds);
        doc.put("scrapeInterval", scrapeInterval);
        doc.put("lag", "gateway_kv_event_index_lag: the pod's batch timestamp to the gateway's index, one host's "
                + "clock; ingestorToAck: ingestor_kv_publish_latency, the ingestor's receipt to the broker's "
                + "acknowledgement; both interpolated in histogram buckets");
        doc.put("rows", rows);
        Files.writeString(out.resolve("kv-events.json"),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        StringBuilder csv = new StringBuilder(COLUMNS).append('\n');
        for (Map<String, Object> r : rows) {
            csv.append(String.join(",", Arrays.stream(COLUMNS.split(",")).map(c -> Csv.cell(r.get(c))).toList()))
                    .append('\n');
        }
        Files.writeString(out.resolve("kv-events.csv"), csv.toString());
        System.out.println("wrote " + out.resolve("kv-events.json") + ", .csv");
    }

    /** Until the ingestor follows every pod and the gateway's index has heard of each (its first snapshot). */
    private static void awaitSubscribed(BenchPipeline pipeline, KvEventsReplica replica, int pods)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            var gauge = pipeline.ingestorRegistry().find("ingestor_kv_endpoints").gauge();
            if (gauge != null && gauge.value() >= pods && replica.ready() && replica.index().endpointCount() >= pods) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the ingestor did not follow the KV events of all " + pods + " pods in 60 s");
    }

    /** Offers {@code rate} batches per second to every pod for {@code seconds}; returns how many were offered. */
    private static long drive(List<PodLoad> loads, double rate, int seconds) {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long offered = 0;
        long tick = TimeUnit.MILLISECONDS.toNanos(5);
        for (long now = start; now < end; now = System.nanoTime()) {
            long due = (long) (rate * (now - start) / 1e9);
            for (PodLoad l : loads) {
                while (l.sent < due) {
                    l.publishOne();
                    offered++;
                }
            }
            LockSupport.parkNanos(tick);
        }
        return offered;
    }

    /** One pod's generated batches: chains of new blocks, and the oldest blocks evicted once its cache is full. */
    private static final class PodLoad {
        private final KvEventSink sink;
        private final int blocksPerBatch;
        private final int capacity;
        private final SplittableRandom random;
        private final ArrayDeque<Long> held = new ArrayDeque<>();
        long sent;

        PodLoad(SimPod pod, int blocksPerBatch, int capacity, long seed) {
            this.sink = pod.kvEventSink();
            this.blocksPerBatch = blocksPerBatch;
            this.capacity = capacity;
            this.random = new SplittableRandom(seed);
        }

        void publishOne() {
            List<KvEvent> events = new ArrayList<>(1 + blocksPerBatch);
            List<ExternalBlockHash> stored = new ArrayList<>(blocksPerBatch);
            List<Integer> tokens = new ArrayList<>(blocksPerBatch * 16);
            for (int b = 0; b < blocksPerBatch; b++) {
                long h = random.nextLong();
                stored.add(new ExternalBlockHash.Int64(h));
                held.addLast(h);
                for (int t = 0; t < 16; t++) {
                    tokens.add(random.nextInt(128_000));
                }
            }
            events.add(KvEvent.BlockStored.onGpu(stored, null, tokens, 16, null, null));
            while (held.size() > capacity) {
                events.add(KvEvent.BlockRemoved.onGpu(new ExternalBlockHash.Int64(held.removeFirst())));
            }
            Instant now = Instant.now();
            sink.publish(new KvEventBatch(now.getEpochSecond() + now.getNano() / 1e9, events, 0));
            sent++;
        }
    }

    private static long published(BenchPipeline p) {
        return p.fleet().pods().stream().mapToLong(s -> s.kvEventCounters().published()).sum();
    }

    private static long dropped(BenchPipeline p) {
        return p.fleet().pods().stream().mapToLong(s -> s.kvEventCounters().dropped()).sum();
    }

    /** state-ingestor's batches and events applied so far. */
    private static double[] ingested(BenchPipeline p) {
        var batches = p.ingestorRegistry().find("ingestor_kv_batches").counter();
        var events = p.ingestorRegistry().find("ingestor_kv_events").counter();
        return new double[] {batches == null ? 0 : batches.count(), events == null ? 0 : events.count()};
    }

}
