package io.inferrouter.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.gateway.GatewayServer;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.kv.BlockHasher;
import io.inferrouter.schemas.kv.KvBlockEvent;
import io.inferrouter.schemas.kv.KvEventsRecord;
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
import io.inferrouter.schemas.tokens.SimTokenizer;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The precise profile end to end on a real broker: KV events written to {@code kv.events} (snapshots,
 * batches, a reset, an unreadable record) steer each prompt to the endpoint holding the longest run
 * of its blocks, and a restarted gateway, rebuilt from the log before it reports ready, routes every
 * prompt as the first one did.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PrecisePrefixIT {

    private static final ResourceKey POOL = ResourceKey.of("kvit", "pool");
    private static final BlockHasher HASHER = BlockHasher.seeded("0");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<FakeModelServer> servers = new ArrayList<>();
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
    }

    @AfterEach
    void stop() throws Exception {
        for (FakeModelServer s : servers) {
            s.close();
        }
        producer.close();
    }

    /** A prompt of {@code blocks} full 16-token blocks: one simulator token per 4-character word. */
    private static String prompt(String tag, int blocks) {
        return IntStream.range(0, blocks * 16).mapToObj(i -> tag + String.format("%03d", i % 1000))
                .collect(Collectors.joining(" "));
    }

    private static long[] hashes(String text) {
        return Arrays.stream(HASHER.promptHashes(SimTokenizer.encode(text), 16, null, null)).mapToLong(BlockHash::low64)
                .toArray();
    }

    private static String chatBody(String system, String question) {
        ObjectNode body = Json.mapper().createObjectNode().put("model", "kvchat");
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", question);
        return body.toString();
    }

    @Test
    void aRestartedGatewayRebuildsTheIndexFromTheLogAndRoutesAsBefore(KafkaEndpoint kafka) throws Exception {
        long now = System.currentTimeMillis();
        send(Topics.TABLE_POOLS, POOL.toString(), poolRow());
        for (FakeModelServer s : servers) {
            endpoint(s, now);
        }
        send(Topics.TABLE_MODELS, "kvit/kvchat", new ModelRow(ResourceKey.of("kvit", "kvchat"), POOL, "kvchat",
                Criticality.Standard, List.of(), RowStatus.Accepted, List.of(), 1, 1));

        EndpointId a = id(servers.get(0));
        EndpointId b = id(servers.get(1));
        EndpointId c = id(servers.get(2));
        EndpointId d = id(servers.get(3));
        String p1 = prompt("p", 10);
        String p2 = prompt("q", 10);
        String p3 = prompt("r", 10);
        String chat = chatBody(prompt("s", 6), "what now?");
        long[] h1 = hashes(p1);
        long[] h2 = hashes(p2);
        long[] h3 = hashes(p3);
        long[] h4 = hashes(SimTokenizer.chatPrompt(Json.mapper().readTree(chat)));
        // a: a snapshot with all of p1 and 3 blocks of p2.
        kv(KvEventsRecord.snapshot(a, POOL, 10, concat(h1, Arrays.copyOf(h2, 3)), now, "it"));
        // b: stores all of p2, then loses its last 4 blocks: 6 left, more than a's 3.
        kv(batch(b, 0, new KvBlockEvent(KvBlockEvent.Type.STORED, hex(h2), null, 16, null, "GPU")));
        kv(batch(b, 1, new KvBlockEvent(KvBlockEvent.Type.REMOVED, hex(Arrays.copyOfRange(h2, 6, 10)), null, null,
                null, "GPU")));
        // c: held all of p3 before a reset, then 4 blocks; d: a snapshot of 7 replaced by one of 2.
        kv(batch(c, 0, new KvBlockEvent(KvBlockEvent.Type.STORED, hex(h3), null, 16, null, "GPU")));
        kv(KvEventsRecord.reset(c, POOL, "pod restarted", now, "it"));
        kv(batch(c, 0, new KvBlockEvent(KvBlockEvent.Type.STORED, hex(Arrays.copyOf(h3, 4)), null, 16, null, "GPU")));
        kv(KvEventsRecord.snapshot(d, POOL, 3, Arrays.copyOf(h3, 7), now, "it"));
        kv(KvEventsRecord.snapshot(d, POOL, 9, concat(Arrays.copyOf(h3, 2), h4), now, "it"));
        producer.send(new ProducerRecord<>(Topics.KV_EVENTS.name(), d.toString(),
                "not json".getBytes(StandardCharsets.UTF_8))).get();
        producer.flush();

        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("/v1/completions|p1", completion(p1 + " and a question"));
        bodies.put("/v1/completions|p2", completion(p2));
        bodies.put("/v1/completions|p3", completion(p3 + " more"));
        bodies.put("/v1/chat/completions|chat", chat);

        Map<EndpointId, Integer> held = Map.of(a, 13, b, 6, c, 4, d, 2 + h4.length);
        Map<String, String> first = routeAll(kafka, bodies, held);
        assertThat(first).containsExactly(Map.entry("/v1/completions|p1", a.toString()),
                Map.entry("/v1/completions|p2", b.toString()), Map.entry("/v1/completions|p3", c.toString()),
                Map.entry("/v1/chat/completions|chat", d.toString()));

        Map<String, String> afterRestart = routeAll(kafka, bodies, held);
        assertThat(afterRestart).isEqualTo(first);
    }

    /**
     * Starts a gateway, waits for /ready, checks the index holds {@code held} blocks per endpoint, sends
     * every body (each three times), stops it; returns the endpoint that served each body.
     */
    private Map<String, String> routeAll(KafkaEndpoint kafka, Map<String, String> bodies,
                                         Map<EndpointId, Integer> held) throws Exception {
        GatewayConfig config = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), Map.of(
                "ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GATEWAY_HTTP_PORT", "0",
                "GATEWAY_METRICS_STALENESS", "PT1H",
                "GATEWAY_SCHEDULER_PROFILE", "precise",
                "GATEWAY_DEFAULT_TOKENIZER", "sim")));
        Map<String, String> chosen = new LinkedHashMap<>();
        try (GatewayServer gateway = GatewayServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            String base = "http://127.0.0.1:" + gateway.port();
            await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/ready").statusCode() == 200);
            // Ready means the index holds everything written before the start: checked at once, no waiting.
            assertThat(gateway.kvEvents().ready()).isTrue();
            held.forEach((endpoint, blocks) -> assertThat(gateway.kvEvents().index().endpoint(endpoint).size())
                    .as(endpoint.toString()).isEqualTo(blocks));
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.tables().current().modelsByName()
                    .containsKey("kvchat") && gateway.tables().current().pools().get(POOL).endpoints().size() == 4);
            for (Map.Entry<String, String> e : bodies.entrySet()) {
                String path = e.getKey().substring(0, e.getKey().indexOf('|'));
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> r = post(base + path, e.getValue());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    String endpoint = r.headers().firstValue("x-gateway-endpoint").orElseThrow();
                    String before = chosen.putIfAbsent(e.getKey(), endpoint);
                    assertThat(before == null ? endpoint : before).as(e.getKey()).isEqualTo(endpoint);
                }
            }
        }
        return chosen;
    }

    private static String completion(String prompt) {
        return Json.mapper().createObjectNode().put("model", "kvchat").put("prompt", prompt).toString();
    }

    private static KvEventsRecord batch(EndpointId e, long seq, KvBlockEvent event) {
        return new KvEventsRecord(e, POOL, KvEventsRecord.Kind.BATCH, seq, 1.0, 0, List.of(event), List.of(), null,
                System.currentTimeMillis(), "it");
    }

    private static List<String> hex(long[] hashes) {
        return Arrays.stream(hashes).mapToObj(KvBlockEvent::hex).toList();
    }

    private static long[] concat(long[] x, long[] y) {
        long[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static EndpointId id(FakeModelServer s) {
        return new EndpointId("kvit", "pod-" + s.name(), s.port());
    }

    private void endpoint(FakeModelServer s, long now) throws Exception {
        EndpointId id = id(s);
        EngineReport report = EngineReport.scraped("vllm", EngineLoad.of(0, 0, 0.1), new CacheGeometry(16, 1000, 0L, 0L),
                100, now, "it");
        send(Topics.TABLE_ENDPOINTS, TableKeys.of(POOL, id),
                new EndpointRow(POOL, id, "127.0.0.1", s.port(), Map.of(), report, now));
    }

    private static PoolRow poolRow() {
        long now = System.currentTimeMillis();
        return new PoolRow(new InferencePool(new ResourceMeta("kvit", "pool", null, null, 1, now), InferencePool.API_V1,
                Map.of("app", "kvit"), List.of(8000), null, null, List.of(), now, "it"), RowStatus.Accepted, List.of(),
                now);
    }

    private void kv(KvEventsRecord r) throws Exception {
        send(Topics.KV_EVENTS, r.endpoint().toString(), r);
    }

    private <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(),
                value))).get();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
