package io.inferrouter.stream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.PoolRef;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.topics.CleanupPolicy;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.stream.query.HistoryException;
import io.inferrouter.stream.query.PoolHistory;
import io.inferrouter.support.TopicSetup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/pools/{ns}/{name}?at=} against a real broker. The fixture writes a short history through
 * the running topology, marking instants between the steps:
 * <ol>
 *   <li>{@code beforePool}; then pool {@code llama}, pod {@code p0}, model {@code chat}, and a scrape of
 *       {@code p0} with 3 waiting requests;</li>
 *   <li>{@code t1}; then a scrape with 7 waiting, pod {@code p1}, model {@code chat2};</li>
 *   <li>{@code t2}; then pod {@code p1} deleted;</li>
 *   <li>{@code t3}.</li>
 * </ol>
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolAsOfIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String ns = "asof-" + UUID.randomUUID().toString().substring(0, 8);
    private final String p0 = ns + "/p0:8000";
    private final String p1 = ns + "/p1:8000";
    private String bootstrap;
    private RoutingStreamServer server;
    private String poolUrl;
    private Instant beforePool;
    private Instant t1;
    private Instant t2;
    private Instant t3;

    @BeforeAll
    void writeAHistory(KafkaEndpoint kafka) throws Exception {
        bootstrap = kafka.bootstrapServers();
        TopicSetup.ensure(bootstrap, (short) 1, Duration.ofSeconds(30), Topics.all());
        server = RoutingStreamServer.start(new RoutingStreamConfig(bootstrap, "routing-stream-" + ns,
                Files.createTempDirectory("pool-as-of-it"), "127.0.0.1", 0, null, 1, 0, (short) 1, "at_least_once",
                Duration.ofMillis(100), true, Duration.ofMinutes(10), ns, Duration.ofSeconds(6)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        String base = "http://127.0.0.1:" + server.port();
        poolUrl = base + "/v1/pools/" + ns + "/llama";
        await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/ready").statusCode() == 200);

        try (KafkaProducer<String, byte[]> producer = producer()) {
            beforePool = mark();
            long now = System.currentTimeMillis();
            send(producer, Topics.INFERENCE_POOLS, ns + "/llama", new InferencePool(meta("llama", now),
                    InferencePool.API_V1, Map.of("app", "llama"), List.of(8000), null, null, List.of(), now, "it"));
            send(producer, Topics.PODS, ns + "/p0", pod("p0", "127.0.1.1", now));
            send(producer, Topics.INFERENCE_MODELS, ns + "/chat", model("chat", now));
            send(producer, Topics.ENDPOINT_METRICS, p0, metrics(p0, 3));
            awaitLive(live -> live.at("/endpoints").size() == 1 && waiting(live, 0) == 3);

            t1 = mark();
            send(producer, Topics.ENDPOINT_METRICS, p0, metrics(p0, 7));
            send(producer, Topics.PODS, ns + "/p1", pod("p1", "127.0.1.2", System.currentTimeMillis()));
            send(producer, Topics.INFERENCE_MODELS, ns + "/chat2", model("chat2", System.currentTimeMillis()));
            awaitLive(live -> live.at("/endpoints").size() == 2 && waiting(live, 0) == 7
                    && live.at("/models").size() == 2);

            t2 = mark();
            producer.send(new ProducerRecord<>(Topics.PODS.name(), ns + "/p1", null)).get();
            awaitLive(live -> live.at("/endpoints").size() == 1);
            t3 = mark();
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPoolAsOfAnInstantIsTheTableItWasThenNotNow() throws Exception {
        JsonNode atT1 = json(get(asOf(t1)));
        assertThat(atT1.at("/pool/status").asText()).isEqualTo("Accepted");
        assertThat(endpoints(atT1)).containsExactly(p0);
        assertThat(waiting(atT1, 0)).isEqualTo(3);
        assertThat(models(atT1)).containsExactly("chat");

        JsonNode atT2 = json(get(asOf(t2)));
        assertThat(endpoints(atT2)).containsExactly(p0, p1);
        assertThat(waiting(atT2, 0)).isEqualTo(7);
        assertThat(models(atT2)).containsExactly("chat", "chat2");

        // Asked again after the edits, t1 is still what it was.
        assertThat(withoutAsOf(json(get(asOf(t1))))).isEqualTo(withoutAsOf(atT1));
    }

    @Test
    void aRowDeletedAfterAnInstantIsThereAsOfItAndGoneAfter() throws Exception {
        assertThat(endpoints(json(get(asOf(t2))))).containsExactly(p0, p1);
        JsonNode atT3 = json(get(asOf(t3)));
        assertThat(endpoints(atT3)).containsExactly(p0);
        assertThat(waiting(atT3, 0)).isEqualTo(7);
    }

    @Test
    void asOfNowIsTheLiveAnswer() throws Exception {
        JsonNode live = json(get(poolUrl));
        assertThat(live.has("asOf")).isFalse();
        assertThat(withoutAsOf(json(get(asOf(mark()))))).isEqualTo(live);
    }

    @Test
    void asOfSaysTheInstantWhatWasReadAndHowNewTheNewestRowWas() throws Exception {
        JsonNode asOf = json(get(asOf(t1))).get("asOf");

        assertThat(asOf.get("at").asText()).isEqualTo(t1.toString());
        assertThat(asOf.get("complete").asBoolean()).isTrue();
        assertThat(asOf.get("warnings")).isEmpty();
        Instant newest = Instant.parse(asOf.get("newestRecordAt").asText());
        assertThat(newest).isAfter(beforePool).isBeforeOrEqualTo(t1);
        assertThat(asOf.get("recordsScanned").asLong()).isPositive();
        JsonNode partitions = asOf.get("partitions");
        assertThat(partitions).hasSize(1 + 1 + 1 + 1 + 6);
        for (JsonNode p : partitions) {
            assertThat(p.get("readUpTo").asLong()).as(p.toString()).isLessThanOrEqualTo(p.get("endOffset").asLong());
        }
        assertThat(fieldOfEach(partitions, "topic")).contains("tables.pools", "tables.models",
                "tables.objectives", "tables.rewrites", "tables.endpoints");
    }

    @Test
    void anInstantBeforeThePoolExistedIs404SayingWhenItAppeared() throws Exception {
        HttpResponse<String> r = get(asOf(beforePool));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        String message = Json.mapper().readTree(r.body()).at("/error/message").asText();
        assertThat(message).contains("pool " + ns + "/llama did not exist at " + beforePool)
                .contains("it was created later");
    }

    @Test
    void aBadOrFutureAtIs400AndNoAtIsTheLiveAnswer() throws Exception {
        HttpResponse<String> notATime = get(poolUrl + "?at=yesterday");
        assertThat(notATime.statusCode()).isEqualTo(400);
        assertThat(notATime.body()).contains("not an RFC 3339 time").contains("yesterday");

        HttpResponse<String> future = get(asOf(Instant.now().plus(Duration.ofHours(1))));
        assertThat(future.statusCode()).isEqualTo(400);
        assertThat(future.body()).contains("in the future");

        assertThat(get(poolUrl + "?at=").statusCode()).isEqualTo(400);
        assertThat(json(get(poolUrl)).has("asOf")).isFalse();
    }

    @Test
    void anAtWithAnOffsetNamesTheSameInstantEvenWithItsPlusUnencoded() throws Exception {
        String plusOneHour = t1.atOffset(ZoneOffset.ofHours(1)).toString();
        JsonNode expected = withoutAsOf(json(get(asOf(t1))));

        JsonNode encoded = json(get(poolUrl + "?at=" + URLEncoder.encode(plusOneHour, StandardCharsets.UTF_8)));
        JsonNode raw = json(get(poolUrl + "?at=" + plusOneHour.replace(":", "%3A")));

        assertThat(withoutAsOf(encoded)).isEqualTo(expected);
        assertThat(withoutAsOf(raw)).isEqualTo(expected);
        assertThat(encoded.at("/asOf/at").asText()).isEqualTo(t1.toString());
    }

    @Test
    void anInstantOlderThanTheKeptHistoryIsMarkedPossiblyIncomplete() {
        // Asked two hours later, t1 is beyond the hour tables.endpoints keeps every version for.
        try (PoolHistory later = history(Clock.offset(Clock.systemUTC(), Duration.ofHours(2)), 1_000_000)) {
            Map<String, Object> body = later.poolAt(pool(), t1);
            JsonNode asOf = Json.mapper().valueToTree(body).get("asOf");
            assertThat(asOf.get("complete").asBoolean()).isFalse();
            assertThat(asOf.get("warnings")).hasSize(1);
            assertThat(asOf.at("/warnings/0").asText()).startsWith("tables.endpoints keeps every version only for PT1H");
        }
        // Two days later, beyond the day every table keeps.
        try (PoolHistory muchLater = history(Clock.offset(Clock.systemUTC(), Duration.ofDays(2)), 1_000_000)) {
            JsonNode asOf = Json.mapper().valueToTree(muchLater.poolAt(pool(), t1)).get("asOf");
            assertThat(asOf.get("warnings")).hasSize(5);
            assertThatThrownBy(() -> muchLater.poolAt(pool(), beforePool))
                    .isInstanceOfSatisfying(HistoryException.class, e -> assertThat(e.status()).isEqualTo(404))
                    .hasMessageContaining("its earliest kept row is from")
                    .hasMessageContaining("tables.pools keeps every version only for PT24H")
                    .hasMessageContaining("it may have existed then");
        }
    }

    @Test
    void aQueryOverTheRecordLimitIs422AndOverTheTimeLimitIs504() {
        try (PoolHistory small = history(Clock.systemUTC(), 2)) {
            assertThatThrownBy(() -> small.poolAt(pool(), t3))
                    .isInstanceOfSatisfying(HistoryException.class, e -> assertThat(e.status()).isEqualTo(422))
                    .hasMessageContaining("needs more than 2 records")
                    .hasMessageContaining("history.max-records (ROUTING_STREAM_HISTORY_MAX_RECORDS)");
        }
        try (PoolHistory hasty = new PoolHistory(bootstrap, 1_000_000, Duration.ofNanos(1), Clock.systemUTC())) {
            assertThatThrownBy(() -> hasty.poolAt(pool(), t3))
                    .isInstanceOfSatisfying(HistoryException.class, e -> assertThat(e.status()).isEqualTo(504))
                    .hasMessageContaining("history.timeout (ROUTING_STREAM_HISTORY_TIMEOUT)");
        }
    }

    @Test
    void tableTopicsAreCreatedWithTheirCompactionLagAndALowerOneIsReported() throws Exception {
        try (Admin admin = TopicSetup.admin(bootstrap, Duration.ofSeconds(30))) {
            assertThat(topicConfig(admin, "tables.pools", TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG))
                    .isEqualTo(Long.toString(Duration.ofHours(24).toMillis()));
            assertThat(topicConfig(admin, "tables.endpoints", TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG))
                    .isEqualTo(Long.toString(Duration.ofHours(1).toMillis()));
            assertThat(topicConfig(admin, "tables.endpoints", TopicConfig.SEGMENT_MS_CONFIG))
                    .isEqualTo(Long.toString(Duration.ofMinutes(10).toMillis()));

            String name = "lag-" + UUID.randomUUID();
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, "compact")))).all().get();
            Topic<String, String> withLag = new Topic<>(name, Serdes.String(), Serdes.String(), "k", 1,
                    CleanupPolicy.COMPACT, null, "test").withMinCompactionLag(Duration.ofHours(1));
            TopicAdmin.Result result = new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(List.of(withLag));
            assertThat(result.mismatches()).singleElement().asString()
                    .contains(name + ": min.compaction.lag.ms=0, catalogue says 3600000")
                    .contains("kafka-configs.sh --alter --add-config min.compaction.lag.ms=3600000");
        }
    }

    private static String topicConfig(Admin admin, String topic, String key) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get(key).value();
    }

    private PoolHistory history(Clock clock, int maxRecords) {
        return new PoolHistory(bootstrap, maxRecords, Duration.ofSeconds(30), clock);
    }

    private ResourceKey pool() {
        return ResourceKey.of(ns, "llama");
    }

    /**
     * Now, to the millisecond that record timestamps have, once the clock has moved past it: a record sent
     * after this is stamped later than the instant returned.
     */
    private static Instant mark() {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() <= now) {
            Thread.onSpinWait();
        }
        return Instant.ofEpochMilli(now);
    }

    private String asOf(Instant at) {
        return poolUrl + "?at=" + URLEncoder.encode(at.toString(), StandardCharsets.UTF_8);
    }

    private void awaitLive(Predicate<JsonNode> condition) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> r = get(poolUrl);
            return r.statusCode() == 200 && condition.test(Json.mapper().readTree(r.body()));
        });
    }

    private static JsonNode withoutAsOf(JsonNode body) {
        return ((ObjectNode) body.deepCopy()).without("asOf");
    }

    private static List<String> endpoints(JsonNode body) {
        return fieldOfEach(body.at("/endpoints"), "endpoint");
    }

    private static List<String> models(JsonNode body) {
        return fieldOfEach(body.at("/models"), "modelName");
    }

    private static List<String> fieldOfEach(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(row -> out.add(row.get(field).asText()));
        return out;
    }

    private static int waiting(JsonNode body, int endpoint) {
        return body.at("/endpoints/" + endpoint + "/metrics/waitingRequests").asInt(-1);
    }

    private ResourceMeta meta(String name, long now) {
        return new ResourceMeta(ns, name, null, null, 1, now);
    }

    private Pod pod(String name, String ip, long now) {
        return new Pod(meta(name, now), ip, Map.of("app", "llama"), true, false, List.of(8000), "n", List.of(), now,
                "it");
    }

    private InferenceModel model(String name, long now) {
        return new InferenceModel(meta(name, now), name, Criticality.Standard, List.of(), PoolRef.named("llama"),
                List.of(), now, "it");
    }

    private static EndpointMetrics metrics(String endpoint, int waiting) {
        return EndpointMetrics.scraped(EndpointId.parse(endpoint), "127.0.1.1", 8000, "vllm",
                EngineLoad.of(waiting, 1, 0.25), new CacheGeometry(16, 1000, 0L, 0L), 100, System.currentTimeMillis(),
                "it");
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key,
                topic.valueSerde().serializer().serialize(topic.name(), value))).get();
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }
}
