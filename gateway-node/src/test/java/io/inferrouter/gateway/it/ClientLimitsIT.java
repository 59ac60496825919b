package io.inferrouter.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.gateway.GatewayServer;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RowStatus;
import io.inferrouter.schemas.tables.TableKeys;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The limits for slow and greedy clients on real gateways (a broker for the tables, a model server
 * that streams slowly, raw sockets for clients that misbehave): 431 for large headers, the read
 * timeout for heads and bodies but not for long streams, the connection cap and the in-flight cap.
 * Each cap has its own gateway so the connections one test holds cannot trip another.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientLimitsIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_CONNECTIONS = 3;
    private static final int MAX_IN_FLIGHT = 2;
    private static final String POOL = "llm/limits";
    private static final String MODEL = "limits-model";
    /** The slow model server's stream: 20 events 250 ms apart, five seconds, 2.5 read timeouts. */
    private static final int STREAM_EVENTS = 20;
    private static final Duration STREAM_GAP = Duration.ofMillis(250);
    /** The longest a test waits for what should happen within the read timeout or at once. */
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final String GET_HEALTH = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    private WebServer modelServer;
    private Gateway slowClients;
    private Gateway connectionCap;
    private Gateway inFlightCap;

    /** A gateway under test with its own registry. */
    private record Gateway(GatewayServer server, PrometheusMeterRegistry registry) {

        int port() {
            return server.port();
        }

        double rejections(String limit) {
            return registry.get("gateway_limit_rejections").tag("limit", limit).counter().count();
        }

        double gauge(String name) {
            return registry.get(name).gauge().value();
        }
    }

    @BeforeAll
    void start(KafkaEndpoint kafka) throws Exception {
        modelServer = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.post("/v1/completions", ClientLimitsIT::complete)).build().start();
        publishTables(kafka.bootstrapServers());
        slowClients = gateway(kafka, Map.of("GATEWAY_HTTP_READ_TIMEOUT", "2s"));
        connectionCap = gateway(kafka, Map.of("GATEWAY_HTTP_MAX_CONNECTIONS", Integer.toString(MAX_CONNECTIONS)));
        inFlightCap = gateway(kafka, Map.of("GATEWAY_HTTP_MAX_IN_FLIGHT", Integer.toString(MAX_IN_FLIGHT),
                "GATEWAY_HTTP_RETRY_AFTER", "3s"));
        for (Gateway g : List.of(slowClients, inFlightCap)) {
            // Asked directly, not over HTTP: a pooled client connection would count against the caps.
            await().atMost(Duration.ofSeconds(30)).until(() -> g.server().tables().ready()
                    && g.server().tables().current().modelsByName().containsKey(MODEL));
        }
        // Warm the request path so a request served "in the meantime" takes milliseconds, not a JIT's time.
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; i < 20; i++) {
                assertThat(http.send(completion(slowClients, false), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(200);
            }
        }
    }

    @AfterAll
    void stop() {
        for (Gateway g : new Gateway[] {slowClients, connectionCap, inFlightCap}) {
            if (g != null) {
                g.server().close();
            }
        }
        if (modelServer != null) {
            modelServer.stop();
        }
    }

    @Test
    void headersOverTheLimitGet431WithTheOpenAiError() throws Exception {
        double before = slowClients.rejections("header-size");
        try (RawHttpClient client = new RawHttpClient(slowClients.port(), PATIENCE)) {
            RawHttpClient.Response r = client.send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                    + "x".repeat(64 * 1024) + "\r\n\r\n").response();
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.headers().get("content-type")).isEqualTo("application/json");
            JsonNode error = Json.mapper().readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("headers_too_large");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("message").asText()).contains("16384");
        }
        assertThat(slowClients.rejections("header-size")).isEqualTo(before + 1);
    }

    @Test
    void headersJustUnderTheLimitAreServed() throws Exception {
        try (RawHttpClient client = new RawHttpClient(slowClients.port(), PATIENCE)) {
            assertThat(client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "x".repeat(15_000)
                    + "\r\n\r\n").response().status()).isEqualTo(200);
        }
    }

    @Test
    void otherBadRequestsStay400WithTheOpenAiError() throws Exception {
        try (RawHttpClient client = new RawHttpClient(slowClients.port(), PATIENCE)) {
            RawHttpClient.Response r = client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nNoColonHere\r\n\r\n")
                    .response();
            assertThat(r.status()).isEqualTo(400);
            JsonNode error = Json.mapper().readTree(r.body()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("message").asText()).contains("colon");
        }
    }

    @Test
    void aPathNothingServesGets404WithTheOpenAiError() throws Exception {
        try (RawHttpClient client = new RawHttpClient(slowClients.port(), PATIENCE)) {
            RawHttpClient.Response r = client.send("GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").response();
            assertThat(r.status()).isEqualTo(404);
            assertThat(Json.mapper().readTree(r.body()).get("error").get("type").asText())
                    .isEqualTo("invalid_request_error");
        }
    }

    @Test
    void aClientStalledHalfwayThroughItsHeadIsCutWhileOthersAreServed() throws Exception {
        double before = slowClients.rejections("read-timeout");
        try (RawHttpClient stalled = new RawHttpClient(slowClients.port(), PATIENCE);
             HttpClient http = HttpClient.newHttpClient()) {
            long sent = System.nanoTime();
            stalled.send("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty");
            CompletableFuture<Long> cut = closedByServer(stalled);
            for (int i = 0; i < 3; i++) {
                assertThat(http.send(completion(slowClients, false), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(200);
            }
            long served = System.nanoTime();
            long cutAt = cut.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(served).as("the others were served before the stalled client was cut").isLessThan(cutAt);
            assertThat(Duration.ofNanos(cutAt - sent)).isGreaterThanOrEqualTo(READ_TIMEOUT)
                    .isLessThan(READ_TIMEOUT.plusSeconds(5));
        }
        await().atMost(PATIENCE).until(() -> slowClients.rejections("read-timeout") == before + 1);
    }

    @Test
    void aHeadTrickledAByteAtATimeIsCutAfterTheReadTimeout() throws Exception {
        try (RawHttpClient trickling = new RawHttpClient(slowClients.port(), PATIENCE);
             ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor()) {
            trickling.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            long first = System.nanoTime();
            // A byte every fifth of the timeout: each read is quick, the head as a whole is not.
            drip.scheduleAtFixedRate(() -> {
                try {
                    trickling.send("a");
                } catch (IOException e) {
                    // Cut: the reader below sees it.
                    drip.shutdown();
                }
            }, 400, 400, TimeUnit.MILLISECONDS);
            assertThat(trickling.awaitClosedByServer()).as("cut within " + PATIENCE).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - first)).isGreaterThanOrEqualTo(READ_TIMEOUT)
                    .isLessThan(READ_TIMEOUT.plusSeconds(5));
        }
    }

    @Test
    void aConnectionThatSendsNothingIsCutAfterTheReadTimeout() throws Exception {
        long opened = System.nanoTime();
        try (RawHttpClient silent = new RawHttpClient(slowClients.port(), PATIENCE)) {
            assertThat(silent.awaitClosedByServer()).as("cut within " + PATIENCE).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(READ_TIMEOUT);
        }
    }

    @Test
    void aBodyThatStopsComingIsCutAfterTheReadTimeout() throws Exception {
        double before = slowClients.rejections("read-timeout");
        try (RawHttpClient stalled = new RawHttpClient(slowClients.port(), PATIENCE)) {
            stalled.send("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 200\r\n\r\n{\"model\":\"" + MODEL + "\",");
            long sent = System.nanoTime();
            assertThat(stalled.awaitClosedByServer()).as("cut within " + PATIENCE).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(READ_TIMEOUT)
                    .isLessThan(READ_TIMEOUT.plusSeconds(5));
        }
        await().atMost(PATIENCE).until(() -> slowClients.rejections("read-timeout") == before + 1);
    }

    @Test
    void aBodySentSlowlyButSteadilyIsServedPastTheReadTimeout() throws Exception {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + "x".repeat(90) + "\"}";
        int pieces = 10;
        int piece = body.length() / pieces + 1;
        try (RawHttpClient client = new RawHttpClient(slowClients.port(), PATIENCE)) {
            client.send("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n");
            long started = System.nanoTime();
            for (int from = 0; from < body.length(); from += piece) {
                // A slow uploader: each piece well within the timeout, the whole body twice as long as it.
                LockSupport.parkNanos(READ_TIMEOUT.toNanos() / 5);
                client.send(body.substring(from, Math.min(body.length(), from + piece)));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(READ_TIMEOUT);
            assertThat(client.response().status()).isEqualTo(200);
        }
    }

    @Test
    void aStreamLongerThanTheReadTimeoutIsNotCut() throws Exception {
        double before = slowClients.rejections("read-timeout");
        try (HttpClient http = HttpClient.newHttpClient()) {
            long started = System.nanoTime();
            HttpResponse<String> r = http.send(completion(slowClients, true), HttpResponse.BodyHandlers.ofString());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
            assertThat(events).hasSize(STREAM_EVENTS + 1);
            assertThat(events.getLast()).isEqualTo("data: [DONE]");
            assertThat(took).as("the stream outlived the read timeout").isGreaterThan(READ_TIMEOUT.multipliedBy(2));
        }
        assertThat(slowClients.rejections("read-timeout")).isEqualTo(before);
    }

    @Test
    void connectionsOverTheCapAreAnswered503AtOnceWhileTheFirstOnesWork() throws Exception {
        await().atMost(PATIENCE).until(() -> connectionCap.gauge("gateway_client_connections") == 0);
        double before = connectionCap.rejections("connections");
        List<RawHttpClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                held.add(new RawHttpClient(connectionCap.port(), PATIENCE));
                assertThat(held.getLast().send(GET_HEALTH).response().status()).isEqualTo(200);
            }
            try (RawHttpClient extra = new RawHttpClient(connectionCap.port(), PATIENCE)) {
                long sent = System.nanoTime();
                RawHttpClient.Response r = extra.send(GET_HEALTH).response();
                assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(2));
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.headers().get("retry-after")).isEqualTo("1");
                assertThat(Json.mapper().readTree(r.body()).get("error").get("code").asText())
                        .isEqualTo("too_many_connections");
                assertThat(extra.awaitClosedByServer()).isTrue();
            }
            for (RawHttpClient c : held) {
                assertThat(c.send(GET_HEALTH).response().status()).as("an admitted connection still works")
                        .isEqualTo(200);
            }
            held.removeFirst().close();
            await().atMost(PATIENCE).until(() -> connectionCap.gauge("gateway_client_connections")
                    == MAX_CONNECTIONS - 1);
            try (RawHttpClient next = new RawHttpClient(connectionCap.port(), PATIENCE)) {
                assertThat(next.send(GET_HEALTH).response().status()).as("a freed place is taken").isEqualTo(200);
            }
        } finally {
            for (RawHttpClient c : held) {
                c.close();
            }
        }
        assertThat(connectionCap.rejections("connections")).isEqualTo(before + 1);
    }

    @Test
    void requestsOverTheInFlightCapGet503WithRetryAfterWhileProbesStillAnswer() throws Exception {
        double before = inFlightCap.rejections("in-flight");
        List<RawHttpClient> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_IN_FLIGHT; i++) {
                // A head and half a body: the request is in flight until its body comes, or never does.
                stalled.add(new RawHttpClient(inFlightCap.port(), PATIENCE).send("POST /v1/completions HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"m"));
            }
            await().atMost(PATIENCE).until(() -> inFlightCap.gauge("gateway_in_flight_requests") == MAX_IN_FLIGHT);
            try (RawHttpClient over = new RawHttpClient(inFlightCap.port(), PATIENCE)) {
                RawHttpClient.Response r = over.send(completionRequest()).response();
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.headers().get("retry-after")).isEqualTo("3");
                JsonNode error = Json.mapper().readTree(r.body()).get("error");
                assertThat(error.get("code").asText()).isEqualTo("too_many_requests_in_flight");
                assertThat(error.get("type").asText()).isEqualTo("service_unavailable");
            }
            try (RawHttpClient probe = new RawHttpClient(inFlightCap.port(), PATIENCE)) {
                assertThat(probe.send(GET_HEALTH).response().status()).isEqualTo(200);
                assertThat(probe.send("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").response().status())
                        .isEqualTo(200);
            }
        } finally {
            for (RawHttpClient c : stalled) {
                c.close();
            }
        }
        await().atMost(PATIENCE).until(() -> inFlightCap.gauge("gateway_in_flight_requests") == 0);
        try (RawHttpClient client = new RawHttpClient(inFlightCap.port(), PATIENCE)) {
            assertThat(client.send(completionRequest()).response().status()).as("served once places are free")
                    .isEqualTo(200);
        }
        assertThat(inFlightCap.rejections("in-flight")).isEqualTo(before + 1);
    }

    /** Completes once the server has closed the connection, with the time it did. */
    private static CompletableFuture<Long> closedByServer(RawHttpClient client) {
        CompletableFuture<Long> closed = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                if (client.awaitClosedByServer()) {
                    closed.complete(System.nanoTime());
                } else {
                    closed.completeExceptionally(new AssertionError("not cut within " + PATIENCE));
                }
            } catch (IOException e) {
                closed.completeExceptionally(e);
            }
        });
        return closed;
    }

    private static String completionRequest() {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"hi\"}";
        return "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static HttpRequest completion(Gateway gateway, boolean stream) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/completions"))
                .timeout(PATIENCE).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"stream\":" + stream
                        + ",\"prompt\":\"hi\"}")).build();
    }

    /** The model server: answers at once, or streams {@link #STREAM_EVENTS} events {@link #STREAM_GAP} apart. */
    private static void complete(ServerRequest req, ServerResponse res) throws IOException {
        String body = req.content().as(String.class);
        if (!body.contains("\"stream\":true")) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"model\":\"" + MODEL + "\",\"choices\":"
                    + "[{\"index\":0,\"text\":\"hello\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
                    + "\"total_tokens\":2}}");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        try (OutputStream out = res.outputStream()) {
            for (int i = 0; i < STREAM_EVENTS; i++) {
                out.write(("data: {\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,\"text\":\"t" + i
                        + "\"}]}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                // Pacing a slow model, not waiting for a condition.
                LockSupport.parkNanos(STREAM_GAP.toNanos());
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private Gateway gateway(KafkaEndpoint kafka, Map<String, String> limits) {
        Map<String, String> env = new HashMap<>(limits);
        env.put("ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("GATEWAY_HTTP_PORT", "0");
        env.put("GATEWAY_METRICS_STALENESS", "PT1H");
        env.put("GATEWAY_DECISIONS_ENABLED", "false");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new Gateway(GatewayServer.start(GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), env)),
                registry), registry);
    }

    private void publishTables(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(Topics.all());
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new ByteArraySerializer())) {
            long now = System.currentTimeMillis();
            ResourceKey pool = ResourceKey.parse(POOL);
            send(producer, Topics.TABLE_POOLS, POOL, new PoolRow(new InferencePool(new ResourceMeta("llm", "limits",
                    null, null, 1, now), InferencePool.API_V1, Map.of("app", "limits"), List.of(8000), null, null,
                    List.of(), now, "it"), RowStatus.Accepted, List.of(), now));
            EndpointId endpoint = EndpointId.parse("llm/limits-pod:" + modelServer.port());
            EngineReport report = EngineReport.scraped("vllm", EngineLoad.of(0, 0, 0.1),
                    new CacheGeometry(16, 1000, 0L, 0L), 100, now, "it");
            send(producer, Topics.TABLE_ENDPOINTS, TableKeys.of(pool, endpoint),
                    new EndpointRow(pool, endpoint, "127.0.0.1", modelServer.port(), Map.of(), report, now));
            send(producer, Topics.TABLE_MODELS, "llm/" + MODEL, new ModelRow(ResourceKey.of("llm", MODEL), pool,
                    MODEL, Criticality.Standard, List.of(), RowStatus.Accepted, List.of(), 1, 1));
            producer.flush();
        }
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(),
                value))).get();
    }
}
