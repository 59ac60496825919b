package io.inferrouter.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.gateway.GatewayServer;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.tables.Endpoint;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gateway replicas sharing what they learn through {@code gateway.peers} on a real broker, with the
 * approximate prefix scorer (profile {@code default}) over four fake model servers: a prompt served
 * through one replica is routed by another to the same endpoint; a restarted replica, ready only
 * once it has read the recent reports, routes every prompt as before; one replica's requests in
 * flight count in the other's load, and stop counting when they end.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PeersIT {

    private static final AtomicInteger TESTS = new AtomicInteger();
    /** Each prompt's distinct blocks for the approximate scorer: 64 characters a block at the pool's 16 tokens. */
    private static final int PROMPT_BLOCKS = 30;
    private static final int PROMPTS = 6;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<FakeModelServer> servers = new ArrayList<>();
    private final List<GatewayServer> gateways = new ArrayList<>();
    /** Each test its own namespace, pool and model: the broker, and so the tables, outlive a test. */
    private final String ns = "peerit" + TESTS.incrementAndGet();
    private final ResourceKey pool = ResourceKey.of(ns, "pool");
    private KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void start(KafkaEndpoint kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(Topics.all());
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        for (String n : List.of("a", "b", "c", "d")) {
            servers.add(new FakeModelServer(n));
        }
        long now = System.currentTimeMillis();
        send(Topics.TABLE_POOLS, pool.toString(), new PoolRow(new InferencePool(new ResourceMeta(ns, "pool", null,
                null, 1, now), InferencePool.API_V1, Map.of("app", ns), List.of(8000), null, null, List.of(), now,
                "it"), RowStatus.Accepted, List.of(), now));
        for (FakeModelServer s : servers) {
            EndpointId id = new EndpointId(ns, "pod-" + s.name(), s.port());
            EngineReport report = EngineReport.scraped("vllm", EngineLoad.of(0, 0, 0.1),
                    new CacheGeometry(16, 1000, 0L, 0L), 100, now, "it");
            send(Topics.TABLE_ENDPOINTS, TableKeys.of(pool, id),
                    new EndpointRow(pool, id, "127.0.0.1", s.port(), Map.of(), report, now));
        }
        send(Topics.TABLE_MODELS, ns + "/m", new ModelRow(ResourceKey.of(ns, "m"), pool, ns,
                Criticality.Standard, List.of(), RowStatus.Accepted, List.of(), 1, 1));
    }

    @AfterEach
    void stop() throws Exception {
        for (GatewayServer g : gateways) {
            g.close();
        }
        for (FakeModelServer s : servers) {
            s.close();
        }
        producer.close();
    }

    @Test
    void aPromptServedThroughOneReplicaIsRoutedByTheOtherToTheSameEndpoint(KafkaEndpoint kafka) throws Exception {
        PrometheusMeterRegistry bRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayServer a = gateway(kafka, "gw-a", Map.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        GatewayServer b = gateway(kafka, "gw-b", Map.of(), bRegistry);
        Map<String, String> viaA = routeEach(a, prompts());
        assertThat(Map.copyOf(viaA).values()).as("spread over the pool by the load scorers").hasSizeGreaterThan(1);

        // Every block of every prompt reached b's index through the topic; b never served one.
        await().atMost(Duration.ofSeconds(20)).until(() -> b.prefixIndex().size(pool) >= PROMPTS * PROMPT_BLOCKS);
        Map<String, String> viaB = routeEach(b, prompts());
        assertThat(viaB).isEqualTo(viaA);
        // a, and any replica of another test class that ran in this JVM within peers.timeout (one broker for all).
        assertThat(b.peers().livePeers()).isGreaterThanOrEqualTo(1);
        assertThat(bRegistry.scrape()).containsPattern("(?m)^gateway_peer_prompt_lag_seconds_count " + 3 * PROMPTS + "$");
    }

    @Test
    void aRestartedReplicaRebuildsItsPrefixIndexBeforeItIsReadyAndRoutesAsBefore(KafkaEndpoint kafka) throws Exception {
        GatewayServer first = gateway(kafka, "gw-a", Map.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Map<String, String> before = routeEach(first, prompts());
        await().atMost(Duration.ofSeconds(10)).until(() -> first.peers() != null);
        gateways.remove(first);
        first.close();

        GatewayServer again = gateway(kafka, "gw-a", Map.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        // Ready means rebuilt: checked at once, no waiting.
        assertThat(again.prefixIndex().size(pool)).isGreaterThanOrEqualTo(PROMPTS * PROMPT_BLOCKS);
        assertThat(routeEach(again, prompts())).isEqualTo(before);
    }

    @Test
    void oneReplicasRequestsInFlightCountInTheOthersLoadUntilTheyEnd(KafkaEndpoint kafka) throws Exception {
        GatewayServer a = gateway(kafka, "gw-a", Map.of("GATEWAY_READ_TIMEOUT", "PT3S", "GATEWAY_MAX_ATTEMPTS", "1"),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        GatewayServer b = gateway(kafka, "gw-b", Map.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        servers.forEach(s -> s.mode(FakeModelServer.Mode.SILENT));
        String base = "http://127.0.0.1:" + a.port();
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(http.sendAsync(request(base, "held " + i), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sum(a, true) == 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> sum(b, false) == 3);
        for (Endpoint e : b.tables().current().pools().get(pool).endpoints()) {
            assertThat(e.load().inFlight()).isEqualTo(e.load().peerInFlight());
            assertThat(e.load().ownInFlight()).isZero();
        }
        // a's requests time out upstream (504); its next report says so and b's sums fall back to zero.
        for (CompletableFuture<HttpResponse<String>> f : held) {
            assertThat(f.get().statusCode()).isEqualTo(504);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sum(b, false) == 0);
    }

    /** Requests in flight to the pool, this gateway's own or its peers'. */
    private int sum(GatewayServer g, boolean own) {
        return g.tables().current().pools().get(pool).endpoints().stream()
                .mapToInt(e -> own ? e.load().ownInFlight() : e.load().peerInFlight()).sum();
    }

    private static List<String> prompts() {
        List<String> out = new ArrayList<>();
        for (int p = 0; p < PROMPTS; p++) {
            char tag = (char) ('k' + p);
            // 30 blocks of 64 characters, distinct from the first.
            out.add(IntStream.range(0, PROMPT_BLOCKS * 16).mapToObj(i -> tag + String.format("%03d", i % 1000))
                    .collect(Collectors.joining("")));
        }
        return out;
    }

    /** Sends each prompt through {@code g} three times; returns the endpoint that served each (the same every time). */
    private Map<String, String> routeEach(GatewayServer g, List<String> prompts) throws Exception {
        String base = "http://127.0.0.1:" + g.port();
        Map<String, String> chosen = new LinkedHashMap<>();
        for (String p : prompts) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = http.send(request(base, p), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                String endpoint = r.headers().firstValue("x-gateway-endpoint").orElseThrow();
                String before = chosen.putIfAbsent(p.substring(0, 4), endpoint);
                assertThat(before == null ? endpoint : before).as(p.substring(0, 4)).isEqualTo(endpoint);
            }
            // The next prompt's scores see this one's blocks and in-flight counts settled.
            g.prefixIndex().awaitApplied(5_000);
        }
        return chosen;
    }

    private HttpRequest request(String base, String prompt) {
        String body = Json.mapper().createObjectNode().put("model", ns).put("prompt", prompt).put("max_tokens", 4)
                .toString();
        return HttpRequest.newBuilder(URI.create(base + "/v1/completions")).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private GatewayServer gateway(KafkaEndpoint kafka, String nodeId, Map<String, String> extra,
                                  PrometheusMeterRegistry registry) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GATEWAY_HTTP_PORT", "0",
                // The broker outlives a test: another test's replicas are peers too, live for peers.timeout.
                "GATEWAY_NODE_ID", ns + "-" + nodeId,
                "GATEWAY_METRICS_STALENESS", "PT1H",
                "GATEWAY_SCHEDULER_PROFILE", "default",
                "GATEWAY_DECISIONS_ENABLED", "false"));
        env.putAll(extra);
        GatewayServer g = GatewayServer.start(GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), env)), registry);
        gateways.add(g);
        String base = "http://127.0.0.1:" + g.port();
        await().atMost(Duration.ofSeconds(60)).until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/ready"))
                .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> g.tables().current().modelsByName().containsKey(ns)
                && g.tables().current().pools().get(pool).endpoints().size() == servers.size());
        return g;
    }

    private <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(),
                value))).get();
    }
}
