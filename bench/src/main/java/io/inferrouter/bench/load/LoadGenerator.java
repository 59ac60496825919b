package io.inferrouter.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.schemas.serde.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An open-loop load generator: requests leave at their planned arrival times whatever the answers
 * do, each on its own virtual thread, and stream their answers (SSE) while recording time to first
 * token, inter-token gaps and end-to-end time. The lag between planned and actual send time is
 * recorded too; it shows whether the generator itself kept up.
 *
 * <p>It sends to one base URL (the gateway), or to several (the pods behind a Kubernetes Service
 * without the gateway): then each request goes to a pod picked uniformly at random from a seeded
 * generator, as kube-proxy's iptables mode picks a backend at random for each new connection.
 */
public final class LoadGenerator {

    private final HttpClient http;
    private final List<URI> chatUrls;
    /** Where each request may go now, when the targets change during a run (a drill); null: {@link #chatUrls}. */
    private final Supplier<List<URI>> liveTargets;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final SplittableRandom picks;

    public LoadGenerator(URI baseUrl, Map<String, String> headers, Duration timeout) {
        this(List.of(baseUrl), headers, timeout, 0);
    }

    /** @param pickSeed seeds the choice of target per request when there are several */
    public LoadGenerator(List<URI> baseUrls, Map<String, String> headers, Duration timeout, long pickSeed) {
        this(baseUrls, null, headers, timeout, pickSeed);
    }

    /**
     * Each request to one of the targets {@code liveBaseUrls} gives at its send time, picked at random
     * (seeded): a load balancer that stops sending to a replica while it is down.
     */
    public LoadGenerator(Supplier<List<URI>> liveBaseUrls, Map<String, String> headers, Duration timeout,
                         long pickSeed) {
        this(liveBaseUrls.get(), liveBaseUrls, headers, timeout, pickSeed);
    }

    private LoadGenerator(List<URI> baseUrls, Supplier<List<URI>> liveTargets, Map<String, String> headers,
                          Duration timeout, long pickSeed) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("the load generator needs at least one target URL");
        }
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        this.chatUrls = chatUrls(baseUrls);
        this.liveTargets = liveTargets;
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
        this.picks = new SplittableRandom(pickSeed);
    }

    private static List<URI> chatUrls(List<URI> baseUrls) {
        return baseUrls.stream().map(u -> u.resolve("/v1/chat/completions")).toList();
    }

    /** Sends requests at {@code rate} per second for {@code duration}, then waits for all answers. */
    public List<RequestResult> run(Workload workload, double rate, Duration duration, long seed) {
        return run(workload, rate, duration, seed, "load", Duration.ZERO);
    }

    /**
     * As {@link #run(Workload, double, Duration, long)}, printing a progress line to stderr every
     * {@code progressEvery} (zero for none) under {@code label}.
     */
    public List<RequestResult> run(Workload workload, double rate, Duration duration, long seed, String label,
                                   Duration progressEvery) {
        Arrivals arrivals = new Arrivals(rate, workload.burstiness(), new SplittableRandom(seed));
        long end = duration.toNanos();
        return drive(new Plan() {
            private long offset;

            @Override
            public long nextOffsetNanos() {
                offset += arrivals.nextGapNanos();
                return offset < end ? offset : -1;
            }

            @Override
            public RequestSpec nextSpec() {
                return workload.next();
            }
        }, label, progressEvery);
    }

    /**
     * Sends the trace's requests at their (scaled) timestamps, the first one now, then waits for all
     * answers; a progress line to stderr every {@code progressEvery} (zero for none) under {@code label}.
     */
    public List<RequestResult> run(TraceReplay trace, String label, Duration progressEvery) {
        return drive(new Plan() {
            private int next;

            @Override
            public long nextOffsetNanos() {
                return next < trace.size() ? trace.offsetNanos(next) : -1;
            }

            @Override
            public RequestSpec nextSpec() {
                return trace.spec(next++);
            }
        }, label, progressEvery);
    }

    /** What one open-loop stage sends, in order: each request's send time, then the request. */
    private interface Plan {

        /** The next request's planned send time in ns after the stage's start, or -1 when the stage is over. */
        long nextOffsetNanos();

        /** The request whose offset was just given. */
        RequestSpec nextSpec();
    }

    private List<RequestResult> drive(Plan plan, String label, Duration progressEvery) {
        ConcurrentLinkedQueue<RequestResult> results = new ConcurrentLinkedQueue<>();
        try (Progress progress = new Progress(label, progressEvery, System.err);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            while (true) {
                long offset = plan.nextOffsetNanos();
                if (offset < 0) {
                    break;
                }
                long planned = start + offset;
                // Built before the wait, so that making a long prompt does not delay its send.
                RequestSpec spec = plan.nextSpec();
                long wait = planned - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                List<URI> targets = liveTargets == null ? chatUrls : chatUrls(liveTargets.get());
                URI target = targets.size() == 1 ? targets.get(0) : targets.get(picks.nextInt(targets.size()));
                progress.sent();
                pool.submit(() -> {
                    RequestResult r = send(spec, planned, offset, target);
                    results.add(r);
                    progress.completed(r);
                });
            }
            pool.shutdown();
            pool.awaitTermination(timeout.toSeconds() + 30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ArrayList<>(results);
    }

    /** Sends one request now to the first target and streams its answer. */
    public RequestResult send(RequestSpec spec, long plannedNanos) {
        return send(spec, plannedNanos, 0, chatUrls.get(0));
    }

    private RequestResult send(RequestSpec spec, long plannedNanos, long offset, URI chatUrl) {
        long sent = System.nanoTime();
        long lag = Math.max(0, sent - plannedNanos);
        String direct = chatUrls.size() > 1 ? chatUrl.getHost() + ":" + chatUrl.getPort() : null;
        List<Long> chunks = new ArrayList<>();
        int usageTokens = -1;
        int promptTokens = -1;
        int cachedTokens = -1;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(chatUrl).timeout(timeout)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body(spec)));
            headers.forEach(b::header);
            HttpResponse<InputStream> response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            String endpoint = response.headers().firstValue("x-gateway-endpoint").orElse(direct);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    String text = in.lines().reduce("", String::concat);
                    return new RequestResult(spec.group(), offset, lag, -1, new long[0], System.nanoTime() - sent, 0,
                            response.statusCode(), endpoint, text.length() > 200 ? text.substring(0, 200) : text);
                }
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    String data = line.substring(5).trim();
                    if (data.equals("[DONE]")) {
                        break;
                    }
                    JsonNode chunk = Json.mapper().readTree(data);
                    if (chunk.has("error")) {
                        return new RequestResult(spec.group(), offset, lag, -1, new long[0], System.nanoTime() - sent,
                                0, 200, endpoint, chunk.get("error").toString());
                    }
                    if (hasContent(chunk)) {
                        chunks.add(System.nanoTime());
                    }
                    JsonNode usage = chunk.get("usage");
                    if (usage != null && usage.has("completion_tokens")) {
                        usageTokens = usage.get("completion_tokens").asInt();
                        promptTokens = usage.path("prompt_tokens").asInt(-1);
                        cachedTokens = usage.path("prompt_tokens_details").path("cached_tokens").asInt(-1);
                    }
                }
            }
            long done = System.nanoTime();
            long[] itl = new long[Math.max(0, chunks.size() - 1)];
            for (int i = 1; i < chunks.size(); i++) {
                itl[i - 1] = chunks.get(i) - chunks.get(i - 1);
            }
            long ttft = chunks.isEmpty() ? -1 : chunks.get(0) - sent;
            return new RequestResult(spec.group(), offset, lag, ttft, itl, done - sent,
                    usageTokens >= 0 ? usageTokens : chunks.size(), 200, endpoint, chunks.isEmpty() ? "no tokens" : null,
                    promptTokens, cachedTokens, chatUrl.getHost() + ":" + chatUrl.getPort());
        } catch (IOException e) {
            return new RequestResult(spec.group(), offset, lag, -1, new long[0], System.nanoTime() - sent, 0, 0, direct,
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RequestResult(spec.group(), offset, lag, -1, new long[0], System.nanoTime() - sent, 0, 0, direct,
                    "interrupted");
        }
    }

    private static boolean hasContent(JsonNode chunk) {
        JsonNode choices = chunk.get("choices");
        if (choices == null || choices.isEmpty()) {
            return false;
        }
        JsonNode c = choices.get(0);
        JsonNode delta = c.get("delta");
        if (delta != null && delta.hasNonNull("content") && !delta.get("content").asText().isEmpty()) {
            return true;
        }
        return c.hasNonNull("text") && !c.get("text").asText().isEmpty();
    }

    static byte[] body(RequestSpec spec) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("model", spec.model());
        var messages = root.putArray("messages");
        if (!spec.system().isEmpty()) {
            messages.addObject().put("role", "system").put("content", spec.system());
        }
        messages.addObject().put("role", "user").put("content", spec.question());
        root.put("max_tokens", spec.maxTokens());
        root.put("ignore_eos", true);
        root.put("stream", true);
        root.putObject("stream_options").put("include_usage", true);
        return Json.mapper().writeValueAsBytes(root);
    }
}
