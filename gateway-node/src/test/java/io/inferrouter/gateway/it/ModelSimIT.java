package io.inferrouter.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import io.inferrouter.sim.fleet.SimPod;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gateway-node in front of real model-sim pods (vLLM's API, engine, prefix cache and keep-alive
 * HTTP server) on 127.0.1.201-204, with the tables on an embedded broker: streaming and whole
 * answers, prefix affinity the pod confirms with cached tokens, a killed pod retried before the
 * first byte, a stream cut mid-way (an error event, then an aborted body), and pooled connections.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ModelSimIT {

    private static final String POOL = "sim/pool";
    private static final String POOLED = "sim/pooled";
    private static final String MODEL = SimConfig.DEFAULT_MODEL;
    private static final String RELAY_ADDRESS = "127.0.1.205";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private SimFleet fleet;
    private CountingRelay relay;
    private KafkaProducer<String, byte[]> producer;
    private PrometheusMeterRegistry registry;
    private GatewayServer gateway;
    private String base;

    @BeforeAll
    void start(KafkaEndpoint kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(Topics.all());
        }
        // A hundred times faster than a real H100: a 16-token answer takes milliseconds.
        fleet = SimFleet.start(new FleetConfig(4, "127.0.1.201", 0, SimConfig.defaults().withTimeScale(0.01), Map.of()));
        SimPod behindRelay = fleet.pod(3);
        relay = new CountingRelay(RELAY_ADDRESS, behindRelay.address(), behindRelay.port());

        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        long now = System.currentTimeMillis();
        send(Topics.TABLE_POOLS, POOL, poolRow("pool", now));
        send(Topics.TABLE_POOLS, POOLED, poolRow("pooled", now));
        for (SimPod p : fleet.pods().subList(0, 3)) {
            endpoint(POOL, endpointId(p), p.address(), p.port(), now);
        }
        endpoint(POOLED, "sim/relayed:" + relay.port(), RELAY_ADDRESS, relay.port(), now);
        send(Topics.TABLE_MODELS, "sim/llama", new ModelRow(ResourceKey.of("sim", "llama"), ResourceKey.parse(POOL),
                MODEL, Criticality.Standard, List.of(), RowStatus.Accepted, List.of(), 1, 1));
        // A client name rewritten to the pod's model on the way in and back on the way out.
        send(Topics.TABLE_MODELS, "sim/pooled", new ModelRow(ResourceKey.of("sim", "pooled"),
                ResourceKey.parse(POOLED), "pooled", Criticality.Standard,
                List.of(new TargetModel(MODEL, null)), RowStatus.Accepted, List.of(), 1, 1));
        producer.flush();

        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        gateway = GatewayServer.start(GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), Map.of(
                "ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GATEWAY_HTTP_PORT", "0",
                "GATEWAY_METRICS_STALENESS", "PT1H",
                "GATEWAY_READ_TIMEOUT", "PT10S"))), registry);
        base = "http://127.0.0.1:" + gateway.port();
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.tables().ready()
                && gateway.tables().current().modelsByName().keySet().containsAll(List.of(MODEL, "pooled")));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    void aWholeAnswerComesBackThroughTheGateway() throws Exception {
        HttpResponse<String> r = chat(false, "Say hello.", 5);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.get("model").asText()).isEqualTo(MODEL);
        assertThat(body.at("/choices/0/message/content").asText()).isNotEmpty();
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(5);
        assertThat(r.headers().firstValue("x-gateway-endpoint")).get().asString().startsWith("sim/sim-");
    }

    @Test
    void aStreamedAnswerIsRelayedTokenByTokenToDone() throws Exception {
        HttpResponse<String> r = chat(true, "Count to five.", 5);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(events.stream().filter(e -> e.contains("\"content\":")).count()).isEqualTo(5);
        JsonNode usage = Json.mapper().readTree(events.get(events.size() - 2).substring(6)).get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void aRepeatedLongPromptPrefixLandsOnTheSamePodWhichReportsCachedTokens() throws Exception {
        String system = "You are a meticulous assistant who answers questions about the router. ".repeat(30);
        Set<String> endpoints = new HashSet<>();
        int cached = 0;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = chat(false, system, "Question " + i + "?", 2);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            endpoints.add(r.headers().firstValue("x-gateway-endpoint").orElseThrow());
            cached = Json.mapper().readTree(r.body()).at("/usage/prompt_tokens_details/cached_tokens").asInt();
        }
        assertThat(endpoints).hasSize(1);
        assertThat(cached).as("the pod found the shared prefix in its KV cache").isPositive();
    }

    @Test
    void aKilledPodIsRetriedOnAnotherPodBeforeTheFirstByte() throws Exception {
        String system = "Killed pods must not fail requests that have not started. ".repeat(30);
        HttpResponse<String> warm = chat(false, system, "first", 2);
        assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
        String affine = warm.headers().firstValue("x-gateway-endpoint").orElseThrow();
        SimPod victim = fleet.pods().stream().filter(p -> endpointId(p).equals(affine)).findFirst().orElseThrow();
        double retriesBefore = GatewayIT.metric(registry.scrape(), "gateway_retries_total", "pool=\"" + POOL + "\"");
        victim.kill();
        try {
            // The prefix ranks the dead pod first; its refused connection is retried on the next one.
            HttpResponse<String> r = chat(false, system, "second", 2);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-gateway-endpoint")).get().isNotEqualTo(affine);
            assertThat(GatewayIT.metric(registry.scrape(), "gateway_retries_total", "pool=\"" + POOL + "\""))
                    .isEqualTo(retriesBefore + 1);
        } finally {
            victim.restart();
        }
    }

    @Test
    void aStreamCutMidwayByThePodGivesAnErrorEventThenAnAbortedBody() throws Exception {
        for (SimPod p : fleet.pods().subList(0, 3)) {
            control(p, "drop-after?tokens=2");
        }
        try {
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = http.send(HttpRequest.newBuilder(
                            URI.create(base + "/v1/chat/completions")).timeout(Duration.ofSeconds(20))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"max_tokens\":8,"
                            + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Tell a long story.\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofPublisher());
            assertThat(r.statusCode()).isEqualTo(200);
            ReceivedBody body = new ReceivedBody();
            r.body().subscribe(body);
            assertThat(body.end().get(20, TimeUnit.SECONDS)).as("how the body ended").isInstanceOf(IOException.class);
            List<String> events = body.text().lines().filter(l -> l.startsWith("data: ")).toList();
            assertThat(events).hasSize(3);
            assertThat(events.get(2)).contains("stream_broken");
        } finally {
            for (SimPod p : fleet.pods().subList(0, 3)) {
                control(p, "clear");
            }
        }
    }

    @Test
    void keepAliveConnectionsToAPodAreReusedAcrossRequests() throws Exception {
        int before = relay.accepted();
        for (int i = 0; i < 6; i++) {
            boolean stream = i % 2 == 1;
            HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"pooled\",\"max_tokens\":3,\"stream\":"
                    + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"again " + i + "\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            // The pod answered for its own model; the client sees the name it asked for.
            assertThat(r.body()).contains("\"model\":\"pooled\"").doesNotContain(MODEL);
        }
        assertThat(relay.accepted() - before).as("connections opened for 6 sequential requests").isEqualTo(1);
    }

    private static String endpointId(SimPod p) {
        return "sim/" + p.name() + ":" + p.port();
    }

    private void control(SimPod p, String action) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(p.url() + "/sim/control/" + action))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private HttpResponse<String> chat(boolean stream, String user, int maxTokens) throws Exception {
        return post("/v1/chat/completions", "{\"model\":\"" + MODEL + "\",\"max_tokens\":" + maxTokens + ",\"stream\":"
                + stream + ",\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\""
                + user + "\"}]}");
    }

    private HttpResponse<String> chat(boolean stream, String system, String user, int maxTokens) throws Exception {
        return post("/v1/chat/completions", "{\"model\":\"" + MODEL + "\",\"max_tokens\":" + maxTokens + ",\"stream\":"
                + stream + ",\"messages\":[{\"role\":\"system\",\"content\":\"" + system + "\"},"
                + "{\"role\":\"user\",\"content\":\"" + user + "\"}]}");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void endpoint(String pool, String endpoint, String address, int port, long now) throws Exception {
        ResourceKey poolKey = ResourceKey.parse(pool);
        EndpointId id = EndpointId.parse(endpoint);
        EngineReport report = EngineReport.scraped("vllm", EngineLoad.of(0, 0, 0.0),
                new CacheGeometry(16, 28_000, 0L, 0L), 100, now, "it");
        send(Topics.TABLE_ENDPOINTS, TableKeys.of(poolKey, id),
                new EndpointRow(poolKey, id, address, port, Map.of(), report, now));
    }

    private static PoolRow poolRow(String name, long now) {
        return new PoolRow(new InferencePool(new ResourceMeta("sim", name, null, null, 1, now), InferencePool.API_V1,
                Map.of("app", name), List.of(8000), null, null, List.of(), now, "it"), RowStatus.Accepted, List.of(), now);
    }

    private <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(),
                value))).get();
    }
}
