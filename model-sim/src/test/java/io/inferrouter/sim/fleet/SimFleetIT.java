package io.inferrouter.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferrouter.sim.client.ReceivedBody;
import io.inferrouter.sim.engine.SimConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Simulated pods over real HTTP on their own loopback addresses, 20 times faster than real time. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimFleetIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One line of the Prometheus text format: a comment, or name{labels} value [timestamp]. */
    private static final Pattern PROM_LINE = Pattern.compile(
            "^(#\\s+(HELP|TYPE)\\s+[a-zA-Z_:][a-zA-Z0-9_:]*(\\s.*)?"
            + "|[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})?"
            + "\\s+([-+]?[0-9.eE+-]+|NaN|[+-]Inf)(\\s+-?[0-9]+)?)$");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private SimFleet fleet;

    @BeforeAll
    void start() {
        SimConfig c = SimConfig.defaults().withTimeScale(0.05).withCache(4_000).withAdapters(List.of("sql-lora"), 2);
        fleet = SimFleet.start(new FleetConfig(2, "127.0.1.1", 0, c, Map.of()));
    }

    @AfterAll
    void stop() {
        fleet.close();
    }

    @Test
    void eachPodListensOnItsOwnLoopbackAddress() throws Exception {
        assertThat(fleet.pod(0).address()).isEqualTo("127.0.1.1");
        assertThat(fleet.pod(1).address()).isEqualTo("127.0.1.2");
        assertThat(get(fleet.pod(1), "/health").statusCode()).isEqualTo(200);
        JsonNode models = JSON.readTree(get(fleet.pod(0), "/v1/models").body());
        assertThat(models.at("/data/0/id").asText()).isEqualTo(SimConfig.DEFAULT_MODEL);
        assertThat(models.at("/data/1/parent").asText()).isEqualTo(SimConfig.DEFAULT_MODEL);
    }

    @Test
    void streamingIsValidSseEndingWithDoneAndCarriesUsage() throws Exception {
        HttpResponse<String> r = post(fleet.pod(0), "/v1/chat/completions", "{\"model\":\"" + SimConfig.DEFAULT_MODEL
                + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        String[] events = r.body().split("\n\n");
        for (String e : events) {
            assertThat(e).startsWith("data: ");
        }
        assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
        long tokens = java.util.Arrays.stream(events).filter(e -> e.contains("\"content\":\" w")).count();
        assertThat(tokens).isEqualTo(5);
        JsonNode usage = JSON.readTree(events[events.length - 2].substring(6)).get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(5);
        // "user: hello there": user, :, hell, o, ther, e (words are cut into pieces of at most four characters).
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void aRepeatedPrefixGetsCachedTokensOnTheSamePodAndNotOnAnother() throws Exception {
        String system = "shared system prompt ".repeat(60);
        String first = body(system + "question one", 2);
        String second = body(system + "question two", 2);
        post(fleet.pod(0), "/v1/completions", first);
        JsonNode same = JSON.readTree(post(fleet.pod(0), "/v1/completions", second).body());
        JsonNode other = JSON.readTree(post(fleet.pod(1), "/v1/completions", second).body());
        assertThat(same.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isGreaterThanOrEqualTo(160);
        assertThat(other.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isZero();
    }

    @Test
    void metricsParseAsPrometheusTextWithVllmsNames() throws Exception {
        post(fleet.pod(0), "/v1/completions", body("warm the histograms", 3));
        String text = get(fleet.pod(0), "/metrics").body();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                assertThat(PROM_LINE.matcher(line).matches()).as("line: %s", line).isTrue();
            }
        }
        assertThat(text).contains("vllm:num_requests_running{model_name=", "vllm:num_requests_waiting{",
                "vllm:kv_cache_usage_perc{", "vllm:lora_requests_info{", "max_lora=\"2\"",
                "vllm:cache_config_info{block_size=\"16\",enable_prefix_caching=\"True\",num_gpu_blocks=\"4000\"}",
                "vllm:prefix_cache_queries_total{", "vllm:prefix_cache_hits_total{", "vllm:num_preemptions_total{",
                "vllm:time_to_first_token_seconds_bucket{", "vllm:inter_token_latency_seconds_count{");
    }

    @Test
    void errorsAreOpenAiShaped() throws Exception {
        HttpResponse<String> unknown = post(fleet.pod(0), "/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).at("/error/type").asText()).isEqualTo("NotFoundError");
        assertThat(post(fleet.pod(0), "/v1/completions", "{not json").statusCode()).isEqualTo(400);
        HttpResponse<String> tooLong = post(fleet.pod(0), "/v1/completions", body("x", 40_000));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooLong.body()).at("/error/message").asText()).contains("maximum context length");
    }

    @Test
    void faultDrillsBreakWhatTheySay() throws Exception {
        SimPod pod = fleet.pod(1);
        try {
            control(pod, "metrics?mode=fail");
            assertThat(get(pod, "/metrics").statusCode()).isEqualTo(500);
            control(pod, "reject?status=503");
            HttpResponse<String> rejected = post(pod, "/v1/completions", body("x", 2));
            assertThat(rejected.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(rejected.body()).at("/error/type").asText()).isEqualTo("ServiceUnavailableError");
            assertThat(JSON.readTree(rejected.body()).at("/error/code").asInt()).isEqualTo(503);
            control(pod, "reject?status=429");
            assertThat(JSON.readTree(post(pod, "/v1/completions", body("x", 2)).body()).at("/error/type").asText())
                    .isEqualTo("RateLimitError");
            control(pod, "clear");
            control(pod, "pause");
            CompletableFuture<HttpResponse<String>> held = http.sendAsync(request(pod, "/v1/completions", body("x", 2)),
                    HttpResponse.BodyHandlers.ofString());
            assertThatThrownBy(() -> held.get(300, TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            control(pod, "resume");
            assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            pod.kill();
            assertThatThrownBy(() -> get(pod, "/health")).isInstanceOf(ConnectException.class);
            pod.restart();
            assertThat(get(pod, "/health").statusCode()).isEqualTo(200);
        } finally {
            pod.restart();
            control(pod, "clear");
        }
    }

    @Test
    void dropAfterCutsTheStreamAfterThatManyChunksWithoutItsEnd() throws Exception {
        SimPod pod = fleet.pod(1);
        try {
            control(pod, "drop-after?tokens=2");
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = http.send(request(pod, "/v1/completions", "{\"model\":\""
                    + SimConfig.DEFAULT_MODEL + "\",\"stream\":true,\"max_tokens\":10,\"prompt\":\"x\"}"),
                    HttpResponse.BodyHandlers.ofPublisher());
            assertThat(r.statusCode()).isEqualTo(200);
            // Not ofInputStream: once the cut reaches the client, its read() throws at once, dropping chunks
            // that arrived before the cut but were not read yet. A subscriber gets every chunk, then the error.
            ReceivedBody body = new ReceivedBody();
            r.body().subscribe(body);
            // The chunked body is never finished: it ends in an I/O error, as when a pod dies.
            assertThat(body.end().get(20, TimeUnit.SECONDS)).as("how the body ended").isInstanceOf(IOException.class);
            List<String> events = body.text().lines().filter(line -> !line.isEmpty()).toList();
            assertThat(events).hasSize(2);
            for (String e : events) {
                assertThat(JSON.readTree(e.substring("data: ".length())).at("/choices/0/finish_reason").isNull())
                        .isTrue();
            }
        } finally {
            control(pod, "clear");
        }
    }

    @Test
    void killOverTheControlApiRefusesConnectionsUntilTheRestartDelayHasPassed() throws Exception {
        SimPod pod = fleet.pod(1);
        try {
            HttpResponse<String> r = post(pod, "/sim/control/kill?restart-after=1s", "");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("restartAfterMs").asLong()).isEqualTo(1000);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> refused(pod));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> get(pod, "/health").statusCode() == 200);
        } finally {
            pod.restart();
        }
    }

    @Test
    void killWithoutRestartAfterStaysDown() throws Exception {
        SimPod pod = fleet.pod(1);
        try {
            assertThat(post(pod, "/sim/control/kill", "").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> refused(pod));
            assertThat(pod.listening()).isFalse();
            assertThat(post(fleet.pod(0), "/sim/control/kill?restart-after=soon", "").statusCode()).isEqualTo(400);
            pod.restart();
            assertThat(get(pod, "/health").statusCode()).isEqualTo(200);
        } finally {
            pod.restart();
        }
    }

    @Test
    void slowMakesEveryStepTakeThatManyTimesLonger() throws Exception {
        SimPod pod = fleet.pod(1);
        String req = body("slow steps", 300);
        try {
            post(pod, "/v1/completions", req);
            // The fastest of three normal runs: a stall of the shared machine can only lengthen a run.
            long normal = Math.min(timed(() -> post(pod, "/v1/completions", req)),
                    Math.min(timed(() -> post(pod, "/v1/completions", req)), timed(() -> post(pod, "/v1/completions", req))));
            control(pod, "slow?factor=10");
            long slow = timed(() -> post(pod, "/v1/completions", req));
            // 300 decode steps of ~6.5 ms model time at time scale 0.05: ~100 ms, then ~1 s. The bound
            // leaves room for per-step overhead (thread wake-up) that does not scale with the factor.
            assertThat((double) slow / normal).isGreaterThan(3.0);
        } finally {
            control(pod, "clear");
        }
    }

    @Test
    void streamedCompletionsAreJsonChunksOfTextEndingWithDone() throws Exception {
        HttpResponse<String> r = post(fleet.pod(0), "/v1/completions", "{\"model\":\"" + SimConfig.DEFAULT_MODEL
                + "\",\"stream\":true,\"max_tokens\":4,\"prompt\":\"once upon a time\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        String[] events = r.body().split("\n\n");
        assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (int i = 0; i < events.length - 1; i++) {
            assertThat(events[i]).startsWith("data: ");
            chunks.add(JSON.readTree(events[i].substring("data: ".length())));
        }
        assertThat(chunks).allMatch(c -> c.get("object").asText().equals("text_completion"));
        assertThat(chunks).hasSize(5);
        assertThat(chunks.subList(0, 4)).allMatch(c -> c.at("/choices/0/text").asText().startsWith(" w")
                && c.at("/choices/0/finish_reason").isNull());
        assertThat(chunks.get(4).at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void missingModelMessagesOrABadMaxTokensIsA400() throws Exception {
        String m = SimConfig.DEFAULT_MODEL;
        assertBadRequest(post(fleet.pod(0), "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "'model' is required");
        assertBadRequest(post(fleet.pod(0), "/v1/chat/completions", "{\"model\":\"" + m + "\"}"), "'messages'");
        assertBadRequest(post(fleet.pod(0), "/v1/chat/completions", "{\"model\":\"" + m + "\",\"messages\":[]}"),
                "'messages'");
        assertBadRequest(post(fleet.pod(0), "/v1/completions", "{\"model\":\"" + m + "\",\"prompt\":\"x\","
                + "\"max_tokens\":\"lots\"}"), "'max_tokens' must be an integer");
        assertBadRequest(post(fleet.pod(0), "/v1/completions", "{\"model\":\"" + m + "\",\"prompt\":\"x\","
                + "\"max_tokens\":2.5}"), "'max_tokens' must be an integer");
        assertBadRequest(post(fleet.pod(0), "/v1/completions", "{\"model\":\"" + m + "\",\"prompt\":\"x\","
                + "\"max_tokens\":0}"), "at least 1");
        JsonNode absent = JSON.readTree(post(fleet.pod(0), "/v1/completions",
                "{\"model\":\"" + m + "\",\"prompt\":\"x\",\"max_tokens\":null}").body());
        assertThat(absent.at("/usage/completion_tokens").asInt()).isEqualTo(16);
    }

    private static void assertBadRequest(HttpResponse<String> r, String message) throws IOException {
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("BadRequestError");
        assertThat(error.get("code").asInt()).isEqualTo(400);
        assertThat(error.get("message").asText()).contains(message);
    }

    private boolean refused(SimPod pod) throws Exception {
        try {
            HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            fresh.send(HttpRequest.newBuilder(URI.create(pod.url() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static long timed(Call call) throws Exception {
        long start = System.nanoTime();
        call.run();
        return System.nanoTime() - start;
    }

    private static String body(String prompt, int maxTokens) {
        return "{\"model\":\"" + SimConfig.DEFAULT_MODEL + "\",\"max_tokens\":" + maxTokens + ",\"prompt\":\"" + prompt + "\"}";
    }

    private void control(SimPod pod, String action) throws Exception {
        assertThat(post(pod, "/sim/control/" + action, "").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(SimPod pod, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(pod.url() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(SimPod pod, String path, String body) {
        return HttpRequest.newBuilder(URI.create(pod.url() + path)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> post(SimPod pod, String path, String body) throws Exception {
        return http.send(request(pod, path, body), HttpResponse.BodyHandlers.ofString());
    }
}
