package io.inferrouter.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.gateway.GatewayServer;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.resources.TargetModel;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RowStatus;
import io.inferrouter.schemas.tables.TableKeys;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.sim.client.ReceivedBody;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gateway-node against a real broker (tables produced straight onto the table topics) and fake model
 * servers on loopback: the API, streaming, retries, streams cut mid-way (an error event, then an
 * aborted body), prefix affinity, shedding, header stripping and the decision log.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIT {

    private static final String POOL = "llm/pool";
    private static final String BUSY_POOL = "llm/busy";
    private static final String EMPTY_POOL = "llm/empty";
    /** Two endpoints whose metrics always rank {@code first} before {@code fallback}: retries are deterministic. */
    private static final String RETRY_POOL = "llm/retry";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<FakeModelServer> servers = new ArrayList<>();
    private KafkaProducer<String, byte[]> producer;
    private GatewayServer gateway;
    private PrometheusMeterRegistry registry;
    private String base;
    private FakeModelServer first;
    private FakeModelServer fallback;

    @BeforeAll
    void start(KafkaEndpoint kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(Topics.all());
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        for (String n : List.of("a", "b", "c", "d", "e", "f")) {
            servers.add(new FakeModelServer(n));
        }
        first = servers.get(4);
        fallback = servers.get(5);
        long now = System.currentTimeMillis();
        send(Topics.TABLE_POOLS, POOL, poolRow("pool"));
        send(Topics.TABLE_POOLS, BUSY_POOL, poolRow("busy"));
        send(Topics.TABLE_POOLS, EMPTY_POOL, poolRow("empty"));
        send(Topics.TABLE_POOLS, RETRY_POOL, poolRow("retry"));
        for (FakeModelServer s : servers.subList(0, 3)) {
            endpoint(POOL, s, 0, now);
        }
        endpoint(BUSY_POOL, servers.get(3), 50, now);
        // An empty queue and cache against a queue of 3 and a 90% full cache: first wins every decision.
        endpoint(RETRY_POOL, first, 0, now);
        endpoint(RETRY_POOL, fallback, 3, now);
        send(Topics.TABLE_MODELS, "llm/chat", model("chat", POOL, Criticality.Standard));
        send(Topics.TABLE_MODELS, "llm/batch", model("batch", BUSY_POOL, Criticality.Sheddable));
        send(Topics.TABLE_MODELS, "llm/vip", model("vip", BUSY_POOL, Criticality.Critical));
        send(Topics.TABLE_MODELS, "llm/nowhere", model("nowhere", EMPTY_POOL, Criticality.Standard));
        send(Topics.TABLE_MODELS, "llm/retry", model("retry", RETRY_POOL, Criticality.Standard));
        send(Topics.TABLE_MODELS, "llm/split", new ModelRow(ResourceKey.of("llm", "split"), ResourceKey.parse(POOL),
                "split", Criticality.Standard,
                List.of(new TargetModel("split-v1", 1), new TargetModel("split-v2", 1)), RowStatus.Accepted, List.of(),
                1, 1));
        producer.flush();

        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayConfig config = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), Map.of(
                "ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GATEWAY_HTTP_PORT", "0",
                "GATEWAY_METRICS_STALENESS", "PT1H",
                "GATEWAY_READ_TIMEOUT", "PT1S",
                "GATEWAY_ALLOW_PROFILE_HEADER", "true",
                "GATEWAY_MAX_BODY_BYTES", "20000")));
        gateway = GatewayServer.start(config, registry);
        base = "http://127.0.0.1:" + gateway.port();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/ready").statusCode() == 200);
        // Other ITs of the run share the broker, so the tables may hold their models too.
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.tables().current().modelsByName().keySet()
                .containsAll(List.of("chat", "batch", "vip", "nowhere", "retry", "split")));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (FakeModelServer s : servers) {
            s.close();
        }
        producer.close();
    }

    @Test
    void aNonStreamingCompletionIsRoutedAndAnswersWithTheClientsModel() throws Exception {
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"chat\",\"prompt\":\"hi\"}", Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.get("model").asText()).isEqualTo("chat");
        assertThat(r.headers().firstValue("x-gateway-endpoint")).get().asString().startsWith("llm/");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void aStreamingChatIsRelayedEventByEventToDone() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions",
                "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(events).hasSize(6);
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
    }

    @Test
    void clientsCannotPickTheBackendAndGatewayHeadersAreStripped() throws Exception {
        servers.forEach(s -> s.received().clear());
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"chat\",\"prompt\":\"x\"}",
                Map.of("x-gateway-destination-endpoint", "127.0.0.1:1", "x-gateway-inference-fairness-id", "t1",
                        "authorization", "Bearer k"));
        assertThat(r.statusCode()).isEqualTo(200);
        FakeModelServer.Received got = servers.stream().flatMap(s -> s.received().stream()).findFirst().orElseThrow();
        assertThat(got.headers()).doesNotContainKeys("x-gateway-destination-endpoint", "x-gateway-inference-fairness-id")
                .containsEntry("authorization", "Bearer k").containsKey("x-request-id");
    }

    @Test
    void aResetBeforeTheFirstByteIsRetriedOnTheNextEndpoint() throws Exception {
        HttpResponse<String> r = whileFirstIs(FakeModelServer.Mode.RESET_BEFORE_RESPONSE);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-endpoint")).contains(endpointId(fallback));
    }

    @Test
    void a5xxBeforeTheFirstByteIsRetriedOnTheNextEndpoint() throws Exception {
        HttpResponse<String> r = whileFirstIs(FakeModelServer.Mode.STATUS_503);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-endpoint")).contains(endpointId(fallback));
    }

    @Test
    void anEndpointSilentPastTheReadTimeoutIsRetriedOnTheNextEndpoint() throws Exception {
        HttpResponse<String> r = whileFirstIs(FakeModelServer.Mode.SILENT);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-endpoint")).contains(endpointId(fallback));
    }

    @Test
    void whenEveryAttemptTimesOutTheClientGets504() throws Exception {
        first.received().clear();
        fallback.received().clear();
        first.mode(FakeModelServer.Mode.SILENT);
        fallback.mode(FakeModelServer.Mode.SILENT);
        try {
            HttpResponse<String> r = post("/v1/completions", "{\"model\":\"retry\",\"prompt\":\"x\"}", Map.of());
            assertThat(error(r, 504).get("code").asText()).isEqualTo("upstream_timeout");
            assertThat(error(r).get("type").asText()).isEqualTo("upstream_error");
            // The documented policy: a timeout before the first byte is retried once, on the next endpoint.
            assertThat(first.received()).hasSize(1);
            assertThat(fallback.received()).hasSize(1);
        } finally {
            first.mode(FakeModelServer.Mode.NORMAL);
            fallback.mode(FakeModelServer.Mode.NORMAL);
        }
    }

    /** One request to the retry pool while its first-ranked endpoint fails in the given way. */
    private HttpResponse<String> whileFirstIs(FakeModelServer.Mode failure) throws Exception {
        first.received().clear();
        fallback.received().clear();
        double retriesBefore = metric(registry.scrape(), "gateway_retries_total", "pool=\"" + RETRY_POOL + "\"");
        first.mode(failure);
        try {
            HttpResponse<String> r = post("/v1/completions", "{\"model\":\"retry\",\"prompt\":\"retry\"}", Map.of());
            assertThat(first.received()).as("the first-ranked endpoint was tried").hasSize(1);
            assertThat(fallback.received()).hasSize(1);
            assertThat(metric(registry.scrape(), "gateway_retries_total", "pool=\"" + RETRY_POOL + "\""))
                    .isEqualTo(retriesBefore + 1);
            return r;
        } finally {
            first.mode(FakeModelServer.Mode.NORMAL);
        }
    }

    @Test
    void aStreamCutAfterTheFirstByteGivesTheErrorEventThenAnAbortedBody(KafkaEndpoint kafka) throws Exception {
        double abortedBefore = metric(registry.scrape(), "gateway_streams_aborted_total", "pool=\"" + POOL + "\"");
        List<LogRecord> helidonWarnings = new CopyOnWriteArrayList<>();
        Logger helidon = Logger.getLogger("io.helidon");
        Handler warnings = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    helidonWarnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        helidon.addHandler(warnings);
        servers.forEach(s -> s.mode(FakeModelServer.Mode.DROP_AFTER_TWO_EVENTS));
        try {
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = http.send(HttpRequest.newBuilder(
                            URI.create(base + "/v1/completions")).timeout(Duration.ofSeconds(20))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\",\"stream\":true,\"prompt\":\"x\"}"))
                    .build(), HttpResponse.BodyHandlers.ofPublisher());
            assertThat(r.statusCode()).isEqualTo(200);
            ReceivedBody body = new ReceivedBody();
            r.body().subscribe(body);
            // The chunked body never gets its last chunk: to HTTP the answer is cut, not complete.
            assertThat(body.end().get(20, TimeUnit.SECONDS)).as("how the body ended").isInstanceOf(IOException.class);
            List<String> events = body.text().lines().filter(l -> l.startsWith("data: ")).toList();
            assertThat(events).hasSize(3);
            JsonNode error = Json.mapper().readTree(events.get(2).substring("data: ".length())).get("error");
            assertThat(error.get("type").asText()).isEqualTo("upstream_error");
            assertThat(error.get("code").asText()).isEqualTo("stream_broken");
            assertThat(error.get("message").asText()).contains("stream broke");

            assertThat(metric(registry.scrape(), "gateway_streams_aborted_total", "pool=\"" + POOL + "\""))
                    .isEqualTo(abortedBefore + 1);
            String id = r.headers().firstValue("x-request-id").orElseThrow();
            RoutingDecision d = decisions(kafka, id).get(id);
            assertThat(d.outcome().status()).isEqualTo(200);
            assertThat(d.outcome().errorType()).isEqualTo("stream_aborted");
            assertThat(helidonWarnings).as("an aborted stream is expected: the server logs no warning for it")
                    .extracting(LogRecord::getMessage).isEmpty();
        } finally {
            helidon.removeHandler(warnings);
            servers.forEach(s -> s.mode(FakeModelServer.Mode.NORMAL));
        }
    }

    @Test
    void aStreamCutAfterTheFirstByteEndsWithoutItsLastChunkAndAClosedConnection() throws Exception {
        servers.forEach(s -> s.mode(FakeModelServer.Mode.DROP_AFTER_TWO_EVENTS));
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(20_000);
            byte[] body = "{\"model\":\"chat\",\"stream\":true,\"prompt\":\"x\"}".getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // Returns when the gateway closes the connection; a hang would time out instead.
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            int headEnd = raw.indexOf("\r\n\r\n");
            String head = raw.substring(0, headEnd);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
            ChunkedBody chunked = ChunkedBody.decode(raw.substring(headEnd + 4));
            assertThat(chunked.terminated()).as("a terminating 0-length chunk was sent").isFalse();
            assertThat(raw).doesNotEndWith("0\r\n\r\n");
            List<String> events = chunked.data().lines().filter(l -> l.startsWith("data: ")).toList();
            assertThat(events).hasSize(3);
            assertThat(events.get(2)).contains("\"code\":\"stream_broken\"");
            assertThat(socket.getInputStream().read()).as("the connection is closed").isEqualTo(-1);
        } finally {
            servers.forEach(s -> s.mode(FakeModelServer.Mode.NORMAL));
        }
    }

    /** A chunked HTTP/1.1 body as it came off the wire: its data, and whether its last chunk came. */
    private record ChunkedBody(String data, boolean terminated) {

        static ChunkedBody decode(String wire) {
            StringBuilder data = new StringBuilder();
            int at = 0;
            while (true) {
                int eol = wire.indexOf("\r\n", at);
                if (eol < 0) {
                    // The wire ends where a chunk-size line should be: an unterminated body.
                    assertThat(wire.substring(at)).as("bytes after the last whole chunk").isEmpty();
                    return new ChunkedBody(data.toString(), false);
                }
                int size = Integer.parseInt(wire.substring(at, eol).strip(), 16);
                if (size == 0) {
                    return new ChunkedBody(data.toString(), true);
                }
                // The events are ASCII, so characters count bytes.
                data.append(wire, eol + 2, eol + 2 + size);
                at = eol + 2 + size + 2;
            }
        }
    }

    @Test
    void aRepeatedPromptPrefixLandsOnTheSameEndpoint() throws Exception {
        String system = "You are a careful assistant. ".repeat(40);
        Set<String> endpoints = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"chat\",\"messages\":["
                    + "{\"role\":\"system\",\"content\":\"" + system + "\"},{\"role\":\"user\",\"content\":\"q" + i
                    + "\"}]}", Map.of());
            assertThat(r.statusCode()).isEqualTo(200);
            endpoints.add(r.headers().firstValue("x-gateway-endpoint").orElseThrow());
        }
        assertThat(endpoints).hasSize(1);
    }

    @Test
    void sheddableRequestGets429WhenPoolSaturatedButCriticalIsServed() throws Exception {
        HttpResponse<String> shed = post("/v1/completions", "{\"model\":\"batch\",\"prompt\":\"x\"}", Map.of());
        assertThat(shed.statusCode()).isEqualTo(429);
        assertThat(error(shed).get("type").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(post("/v1/completions", "{\"model\":\"vip\",\"prompt\":\"x\"}", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void everyErrorPathIsOpenAiShapedWithItsStatus() throws Exception {
        assertThat(error(post("/v1/completions", "{\"model\":\"ghost\",\"prompt\":\"x\"}", Map.of()), 404)
                .get("code").asText()).isEqualTo("model_not_found");
        assertThat(error(post("/v1/completions", "{broken", Map.of()), 400).get("type").asText())
                .isEqualTo("invalid_request_error");
        assertThat(error(post("/v1/completions", "{\"prompt\":\"x\"}", Map.of()), 400).get("message").asText())
                .contains("'model'");
        assertThat(error(post("/v1/completions", "{\"model\":\"chat\",\"prompt\":\"" + "x".repeat(30_000) + "\"}",
                Map.of()), 413).get("code").asText()).isEqualTo("request_too_large");
        assertThat(error(post("/v1/completions", "{\"model\":\"nowhere\",\"prompt\":\"x\"}", Map.of()), 503)
                .get("code").asText()).isEqualTo("no_ready_endpoint");
    }

    @Test
    void whenEveryAttemptFailsTheClientGets502() throws Exception {
        servers.forEach(s -> s.mode(FakeModelServer.Mode.RESET_BEFORE_RESPONSE));
        try {
            HttpResponse<String> r = post("/v1/completions", "{\"model\":\"chat\",\"prompt\":\"x\"}", Map.of());
            assertThat(error(r, 502).get("code").asText()).isEqualTo("upstream_failed");
        } finally {
            servers.forEach(s -> s.mode(FakeModelServer.Mode.NORMAL));
        }
    }

    @Test
    void modelsListsWhatTheTablesServe() throws Exception {
        JsonNode models = Json.mapper().readTree(get("/v1/models").body());
        List<String> ids = new ArrayList<>();
        models.get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids).contains("chat", "batch", "vip");
    }

    @Test
    void everyRequestProducesADecisionEvent(KafkaEndpoint kafka) throws Exception {
        servers.forEach(s -> s.received().clear());
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"chat\",\"prompt\":\"decide\"}",
                Map.of("x-gateway-inference-fairness-id", "tenant-7"));
        String requestId = r.headers().firstValue("x-request-id").orElseThrow();
        HttpResponse<String> missing = post("/v1/completions", "{\"model\":\"ghost\",\"prompt\":\"x\"}", Map.of());
        String missingId = missing.headers().firstValue("x-request-id").orElseThrow();

        Map<String, RoutingDecision> seen = decisions(kafka, requestId, missingId);
        RoutingDecision ok = seen.get(requestId);
        assertThat(ok.outcome().status()).isEqualTo(200);
        assertThat(ok.pool()).isEqualTo(ResourceKey.parse(POOL));
        assertThat(ok.chosenEndpoint())
                .isEqualTo(EndpointId.parse(r.headers().firstValue("x-gateway-endpoint").orElseThrow()));
        assertThat(ok.candidates()).hasSize(3);
        assertThat(ok.candidates().get(0).scores()).containsKeys("queue", "kv-cache", "prefix-cache");
        assertThat(ok.outcome().outputTokens()).isEqualTo(1);
        assertThat(ok.outcome().ttftMicros()).isPositive();
        assertThat(ok.fairnessId()).isEqualTo("tenant-7");
        assertThat(servers.stream().flatMap(s -> s.received().stream()).toList()).singleElement()
                .satisfies(got -> assertThat(got.headers()).doesNotContainKey("x-gateway-inference-fairness-id"));
        assertThat(seen.get(missingId).outcome().status()).isEqualTo(404);
    }

    @Test
    void theProfileHeaderChoosesAProfileAndAnUnknownProfileIs400(KafkaEndpoint kafka) throws Exception {
        HttpResponse<String> chosen = post("/v1/completions", "{\"model\":\"chat\",\"prompt\":\"p\"}",
                Map.of("x-gateway-scheduler-profile", "queue-kv"));
        assertThat(chosen.statusCode()).as(chosen.body()).isEqualTo(200);
        HttpResponse<String> unknown = post("/v1/completions", "{\"model\":\"chat\",\"prompt\":\"p\"}",
                Map.of("x-gateway-scheduler-profile", "no-such-profile"));
        assertThat(error(unknown, 400).get("message").asText()).contains("unknown scheduler profile 'no-such-profile'");

        String id = chosen.headers().firstValue("x-request-id").orElseThrow();
        RoutingDecision d = decisions(kafka, id).get(id);
        assertThat(d.profile()).isEqualTo("queue-kv");
        assertThat(d.candidates().get(0).scores()).containsOnlyKeys("queue", "kv-cache");
    }

    @Test
    void aTrafficSplitSendsTheTargetUpstreamAndAnswersWithTheClientsModel() throws Exception {
        servers.forEach(s -> s.received().clear());
        HttpResponse<String> whole = post("/v1/completions", "{\"model\":\"split\",\"prompt\":\"x\"}", Map.of());
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(whole.body()).get("model").asText()).isEqualTo("split");
        assertThat(upstreamModels()).singleElement().isIn("split-v1", "split-v2");

        servers.forEach(s -> s.received().clear());
        HttpResponse<String> streamed = post("/v1/completions",
                "{\"model\":\"split\",\"stream\":true,\"prompt\":\"x\"}", Map.of());
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(upstreamModels()).singleElement().isIn("split-v1", "split-v2");
        List<String> events = streamed.body().lines().filter(l -> l.startsWith("data: {")).toList();
        assertThat(events).hasSize(5).allSatisfy(e -> assertThat(e).contains("\"model\":\"split\"")
                .doesNotContain("split-v"));
    }

    @Test
    void metricsCountRequestsTtftTokensInFlightDroppedDecisionsAndTableAge() throws Exception {
        assertThat(post("/v1/completions", "{\"model\":\"chat\",\"prompt\":\"m\"}", Map.of()).statusCode())
                .isEqualTo(200);
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        String m = r.body();
        String chat = "model=\"chat\"";
        String pool = "pool=\"" + POOL + "\"";
        assertThat(metric(m, "gateway_request_duration_seconds_count", chat, pool, "status=\"200\"")).isPositive();
        assertThat(metric(m, "gateway_time_to_first_byte_seconds_count", chat, pool)).isPositive();
        assertThat(metric(m, "gateway_output_tokens_sum", chat, pool)).isPositive();
        assertThat(metric(m, "gateway_prompt_tokens_sum", chat, pool)).isPositive();
        for (FakeModelServer s : servers.subList(0, 3)) {
            assertThat(metric(m, "gateway_endpoint_in_flight", "endpoint=\"" + endpointId(s) + "\"")).isZero();
        }
        assertThat(m).containsPattern("(?m)^gateway_endpoint_in_flight\\{");
        assertThat(m).containsPattern("(?m)^gateway_decisions_dropped_total(\\{\\})? 0\\.0$");
        assertThat(metric(m, "gateway_table_age_seconds")).isGreaterThanOrEqualTo(0);
        assertThat(metric(m, "gateway_decision_duration_seconds_count", pool)).isPositive();
    }

    @Test
    void modelsNoTableClaimsAreTaggedUnknownSoClientsCannotGrowTheSeries() throws Exception {
        String made = "made-up-" + System.nanoTime();
        assertThat(post("/v1/completions", "{\"model\":\"" + made + "\",\"prompt\":\"x\"}", Map.of()).statusCode())
                .isEqualTo(404);
        String m = get("/metrics").body();
        assertThat(m).doesNotContain(made);
        assertThat(metric(m, "gateway_request_duration_seconds_count", "model=\"unknown\"", "pool=\"none\"",
                "status=\"404\"")).isPositive();
    }

    @Test
    void aChunkedBodyWithoutContentLengthOverTheLimitGets413() throws Exception {
        byte[] big = ("{\"model\":\"chat\",\"prompt\":\"" + "x".repeat(30_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/completions")).timeout(Duration.ofSeconds(20))
                .version(HttpClient.Version.HTTP_1_1).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(error(r, 413).get("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void healthAndReadyAnswer200() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/ready").statusCode()).isEqualTo(200);
    }

    private List<String> upstreamModels() throws Exception {
        List<String> models = new ArrayList<>();
        for (FakeModelServer s : servers) {
            for (FakeModelServer.Received got : s.received()) {
                models.add(Json.mapper().readTree(got.body()).get("model").asText());
            }
        }
        return models;
    }

    /** The decision events of these requests, read from the decisions topic. */
    private static Map<String, RoutingDecision> decisions(KafkaEndpoint kafka, String... requestIds) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.DECISIONS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<String, RoutingDecision> seen = new java.util.HashMap<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    seen.put(rec.key(), Topics.DECISIONS.valueSerde().deserializer().deserialize(rec.topic(), rec.value()));
                }
                return seen.keySet().containsAll(List.of(requestIds));
            });
            return seen;
        }
    }

    /** The value of the first sample of {@code name} whose labels contain every fragment; 0 when none. */
    static double metric(String scrape, String name, String... labelFragments) {
        return scrape.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> java.util.Arrays.stream(labelFragments).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }

    private static String endpointId(FakeModelServer s) {
        return "llm/pod-" + s.name() + ":" + s.port();
    }

    private void endpoint(String pool, FakeModelServer s, int waiting, long now) throws Exception {
        ResourceKey poolKey = ResourceKey.parse(pool);
        EndpointId id = EndpointId.parse(endpointId(s));
        EngineReport report = EngineReport.scraped("vllm", EngineLoad.of(waiting, 0, waiting > 0 ? 0.9 : 0.1),
                new CacheGeometry(16, 1000, 0L, 0L), 100, now, "it");
        send(Topics.TABLE_ENDPOINTS, TableKeys.of(poolKey, id),
                new EndpointRow(poolKey, id, "127.0.0.1", s.port(), Map.of(), report, now));
    }

    private static PoolRow poolRow(String name) {
        long now = System.currentTimeMillis();
        return new PoolRow(new InferencePool(new ResourceMeta("llm", name, null, null, 1, now), InferencePool.API_V1,
                Map.of("app", name), List.of(8000), null, null, List.of(), now, "it"), RowStatus.Accepted, List.of(), now);
    }

    private static ModelRow model(String name, String pool, Criticality c) {
        return new ModelRow(ResourceKey.of("llm", name), ResourceKey.parse(pool), name, c, List.of(), RowStatus.Accepted,
                List.of(), 1, 1);
    }

    private <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(),
                value))).get();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body()).get("error");
    }

    private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = error(r);
        assertThat(e.has("message") && e.has("type") && e.has("code")).isTrue();
        return e;
    }
}
