package io.inferrouter.bench.overhead;

import io.inferrouter.bench.report.Percentiles;
import io.inferrouter.schemas.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The overhead benchmark's load generator, run in its own JVM so that it does not share a heap or
 * a scheduler with the proxy it measures. Two modes:
 * {@code rate URL BODYBYTES STREAM RATE SECONDS} sends at a fixed rate (open loop) and reports
 * latency percentiles; {@code max URL BODYBYTES STREAM CONNECTIONS SECONDS} keeps CONNECTIONS
 * requests in flight and reports the throughput. Prints one JSON object on stdout.
 */
public final class LoadClient {

    private LoadClient() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        URI url = URI.create(args[1]);
        byte[] body = body(Integer.parseInt(args[2]), Boolean.parseBoolean(args[3]));
        double param = Double.parseDouble(args[4]);
        Duration duration = Duration.ofSeconds(Long.parseLong(args[5]));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        // Warm the client's own JIT and connections first; only what follows is measured.
        Map<String, Object> warmup = mode.equals("rate") ? fixedRate(http, url, body, param, Duration.ofSeconds(2))
                : maxThroughput(http, url, body, (int) param, Duration.ofSeconds(2));
        Map<String, Object> out = mode.equals("rate") ? fixedRate(http, url, body, param, duration)
                : maxThroughput(http, url, body, (int) param, duration);
        // Every request this process sent, warm-up included: what a target's CPU over the run served.
        out.put("requestsSent", sent(warmup) + sent(out));
        System.out.println(Json.mapper().writeValueAsString(out));
        System.exit(0);
    }

    private static long sent(Map<String, Object> result) {
        return ((Number) result.get("requests")).longValue() + ((Number) result.get("errors")).longValue();
    }

    static byte[] body(int bytes, boolean stream) {
        String head = "{\"model\":\"bench\",\"stream\":" + stream + ",\"max_tokens\":2,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"";
        String tail = "\"}]}";
        int fill = Math.max(0, bytes - head.length() - tail.length());
        return (head + "x".repeat(fill) + tail).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Map<String, Object> fixedRate(HttpClient http, URI url, byte[] body, double rate, Duration duration)
            throws InterruptedException {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        long gap = (long) (1e9 / rate);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            for (long planned = start; planned < end; planned += gap) {
                long wait = planned - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                pool.submit(() -> {
                    long t0 = System.nanoTime();
                    if (call(http, url, body)) {
                        latencies.add(System.nanoTime() - t0);
                    } else {
                        errors.incrementAndGet();
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        long[] all = latencies.stream().mapToLong(Long::longValue).toArray();
        Percentiles p = Percentiles.ofNanosAsMillis(all);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", all.length);
        out.put("errors", errors.get());
        out.put("p50Ms", p.at(50));
        out.put("p99Ms", p.at(99));
        out.put("meanMs", p.mean());
        return out;
    }

    private static Map<String, Object> maxThroughput(HttpClient http, URI url, byte[] body, int connections,
                                                     Duration duration) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    if (call(http, url, body)) {
                        done.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requestsPerSecond", done.get() / (double) duration.toSeconds());
        out.put("requests", done.get());
        out.put("errors", errors.get());
        return out;
    }

    private static boolean call(HttpClient http, URI url, byte[] body) {
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
