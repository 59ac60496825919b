package io.inferrouter.admin.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.inferrouter.admin.AdminConfig;
import io.inferrouter.admin.AdminServer;
import io.inferrouter.admin.decisions.DecisionWindow;
import io.inferrouter.gateway.api.RequestIds;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.Samples;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.serde.JsonSerde;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.stream.app.RoutingStreamConfig;
import io.inferrouter.stream.app.RoutingStreamServer;
import io.inferrouter.support.TopicSetup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * admin-ui against the real parts it talks to: routing-stream (on the embedded broker) for the
 * tables, the decisions topic for the live view and replay, and fabric8's mock Kubernetes API in
 * CRUD mode for edits.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminUiIT {

    private static final ResourceDefinitionContext MODEL = new ResourceDefinitionContext.Builder()
            .withGroup("inference.networking.x-k8s.io").withVersion("v1alpha2").withPlural("inferencemodels")
            .withKind("InferenceModel").withNamespaced(true).build();
    private static final ResourceDefinitionContext POOL_V1ALPHA2 = new ResourceDefinitionContext.Builder()
            .withGroup("inference.networking.x-k8s.io").withVersion("v1alpha2").withPlural("inferencepools")
            .withKind("InferencePool").withNamespaced(true).build();

    private final HttpClient http = HttpClient.newHttpClient();
    private KubernetesMockServer kubeServer;
    private KubernetesClient kube;
    private RoutingStreamServer routingStream;
    private AdminServer admin;
    private AdminServer readOnly;
    private String base;
    private String bootstrap;

    @BeforeAll
    void start(KafkaEndpoint kafka) throws Exception {
        bootstrap = kafka.bootstrapServers();
        TopicSetup.ensure(bootstrap, (short) 1, Duration.ofSeconds(30), Topics.all());
        kubeServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        kubeServer.init(InetAddress.getByName("127.0.0.1"), 0);
        kube = kubeServer.createClient();
        Path state = Files.createTempDirectory("admin-ui-it");
        routingStream = RoutingStreamServer.start(new RoutingStreamConfig(bootstrap, "admin-ui-it", state, "127.0.0.1", 0,
                null, 1, 0, (short) 1, "at_least_once", Duration.ofMillis(100), true, Duration.ofMinutes(10),
                "admin-ui-it", Duration.ofSeconds(6)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        admin = AdminServer.start(config(true), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), kube);
        readOnly = AdminServer.start(config(false), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null);
        base = "http://127.0.0.1:" + admin.port();
    }

    private AdminConfig config(boolean kubernetes) {
        return new AdminConfig(bootstrap, URI.create("http://127.0.0.1:" + routingStream.port()), "127.0.0.1", 0,
                kubernetes, null, null, 100, 1000, Duration.ofSeconds(5), (short) 1);
    }

    @AfterAll
    void stop() {
        readOnly.close();
        admin.close();
        routingStream.close();
        kube.close();
        kubeServer.destroy();
    }

    @Test
    void theUiIsServedAndReadyOnceItsSourcesAnswer() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>inference-router admin</title>").contains("app.js");
        assertThat(get("/app.js").body()).contains("/api/decisions/window");
        assertThat(get("/health").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/ready").statusCode() == 200);
    }

    /**
     * The page as a person sees it: headless Chromium (Debian's package; .ci/run installs it) runs
     * the page's script against this server and the rendered DOM is checked.
     */
    @Test
    void aBrowserRendersThePoolsAndTheDecisions() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        Assumptions.assumeTrue(Files.isExecutable(chromium), "no Chromium at " + chromium + " (apt-get install chromium)");
        publishPool();
        RoutingDecision d = withFullRecord(Samples.decision(), "it-browser-1", System.currentTimeMillis());
        // Refused while its body was read (413), as the gateway records it: no model, pool, profile or decision.
        long now = System.currentTimeMillis();
        RoutingDecision refused = new RoutingDecision("it-refused-413", now, null, null, null, null, null, 0, null,
                null, false, List.of(), null, 0,
                new RoutingDecision.Outcome(413, "invalid_request_error", null, null, null, 90, 0), now, d.source());
        try (KafkaProducer<String, byte[]> p = producer()) {
            for (RoutingDecision r : List.of(d, refused)) {
                p.send(new ProducerRecord<>(Topics.DECISIONS.name(), r.requestId(),
                        new JsonSerde<>(RoutingDecision.class).serialize("t", r))).get();
            }
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/api/pools").body().contains("\"name\":\"llama\"")
                        && get("/api/decisions").body().contains("it-browser-1")
                        && get("/api/decisions").body().contains("it-refused-413"));

        String pools = renderedDom(chromium, base + "/");
        assertThat(pools).contains("<td>llm/llama</td>").contains("<td>app=vllm-llama</td>")
                .contains(">Accepted</td>").doesNotContain("class=\"bad\">Failed");
        String decisions = renderedDom(chromium, base + "/#decisions");
        assertThat(decisions).contains(d.requestId().substring(0, 8)).contains("chat \u2192 llama-v1")
                .contains("<td>llm/llama-0:8000</td>");
        assertThat(decisions).contains(refused.requestId().substring(0, 8))
                .contains("title=\"no model: the request was refused before its body was read or parsed")
                .contains("title=\"not scheduled:").doesNotContain("undefined").doesNotContain("NaN");

        // The decision page, reached by request id: the explanation and the per-scorer bar chart.
        String page = renderedDom(chromium, base + "/#decision/" + d.requestId());
        assertThat(page).contains("id=\"decision-explanation\"").contains("won: llama-0, the only endpoint left to score")
                .contains("llama-1 (low-kv-cache: KV 0.91 &gt;= 0.8)")
                .contains("data-part=\"queue \u00d72\"").contains("data-part=\"prefix-cache \u00d73\"")
                .contains("(read from memory)").doesNotContain("undefined").doesNotContain("NaN");
        screenshot(chromium, base + "/#decision/" + d.requestId(), "decision-page.png");
        // The pool page's live charts: queue, running, KV and hit rate per endpoint.
        String pool = renderedDom(chromium, base + "/#pool/llm/llama");
        assertThat(pool).contains("aria-label=\"waiting requests\"").contains("aria-label=\"KV-cache usage %\"")
                .contains("aria-label=\"prefix-cache hit rate % (per interval)\"");
        screenshot(chromium, base + "/#pool/llm/llama", "pool-page.png");
    }

    /** A PNG of the page in the test's output folder (target/failsafe-reports), for a person to look at. */
    private static void screenshot(Path chromium, String url, String name) throws Exception {
        Path out = Path.of("target", "failsafe-reports", name).toAbsolutePath();
        Files.createDirectories(out.getParent());
        Process p = new ProcessBuilder(chromium(chromium, "--window-size=1400,1000", "--screenshot=" + out, url))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish the screenshot of " + url + " within 60 s");
        }
        assertThat(Files.size(out)).as("screenshot " + out).isGreaterThan(1000);
    }

    /**
     * Headless Chromium with a fresh profile, no background connections (this machine's network is
     * closed) and 5 s of virtual time for the page's scripts, then {@code args}.
     */
    private static List<String> chromium(Path chromium, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile"), "--virtual-time-budget=5000"));
        command.addAll(List.of(args));
        return command;
    }

    private static String renderedDom(Path chromium, String url) throws Exception {
        Path dom = Files.createTempFile("dom", ".html");
        Process p = new ProcessBuilder(chromium(chromium, "--dump-dom", url))
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(dom.toFile()).start();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish rendering " + url + " within 60 s");
        }
        return Files.readString(dom, StandardCharsets.UTF_8);
    }

    private void publishPool() throws Exception {
        try (KafkaProducer<String, byte[]> p = producer()) {
            p.send(new ProducerRecord<>(Topics.INFERENCE_POOLS.name(), "llm/llama",
                    new JsonSerde<>(io.inferrouter.schemas.resources.InferencePool.class)
                            .serialize("t", Samples.pool()))).get();
        }
    }

    @Test
    void poolsAreReadThroughFromRoutingStream() throws Exception {
        publishPool();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/api/pools").body().contains("\"name\":\"llama\""));
        HttpResponse<String> pool = get("/api/pools/llm/llama");
        assertThat(pool.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(pool.body()).at("/pool/status").asText()).isEqualTo("Accepted");
        assertThat(get("/api/pools/llm/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = get("/api/pools/LLM/x_y");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(bad.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void aModelEditIsWrittenToKubernetesKeepingWhatTheUiDoesNotOwn() throws Exception {
        HttpResponse<String> created = send("PUT", "/api/resources/models/llm/chat", """
                {"modelName":"chat","criticality":"Standard","poolRef":"llama",
                 "targetModels":[{"name":"chat-v1","weight":90},{"name":"chat-v2","weight":10}]}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        GenericKubernetesResource stored = kube.genericKubernetesResources(MODEL).inNamespace("llm").withName("chat").get();
        assertThat(spec(stored)).containsEntry("modelName", "chat").containsEntry("criticality", "Standard");
        assertThat(spec(stored).get("poolRef")).isEqualTo(Map.of("group", "inference.networking.k8s.io",
                "kind", "InferencePool", "name", "llama"));

        Map<String, Object> withExtra = new HashMap<>(spec(stored));
        withExtra.put("annotatedBy", "someone-else");
        stored.setAdditionalProperty("spec", withExtra);
        kube.genericKubernetesResources(MODEL).inNamespace("llm").resource(stored).update();

        String edit = "{\"modelName\":\"chat\",\"criticality\":\"Sheddable\",\"poolRef\":\"llama\"";
        String createdVersion = Json.mapper().readTree(created.body()).at("/metadata/resourceVersion").asText();
        HttpResponse<String> stale = send("PUT", "/api/resources/models/llm/chat",
                edit + ",\"resourceVersion\":\"" + createdVersion + "\"}");
        assertThat(stale.statusCode()).as("an edit of the version before someone else's change").isEqualTo(409);
        assertThat(send("PUT", "/api/resources/models/llm/chat", edit + "}").statusCode())
                .as("an update that names no version").isEqualTo(428);
        String current = Json.mapper().readTree(get("/api/resources/models/llm/chat").body())
                .at("/metadata/resourceVersion").asText();
        HttpResponse<String> updated = send("PUT", "/api/resources/models/llm/chat",
                edit + ",\"resourceVersion\":\"" + current + "\"}");
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        Map<String, Object> after = spec(kube.genericKubernetesResources(MODEL).inNamespace("llm").withName("chat").get());
        assertThat(after).containsEntry("criticality", "Sheddable").containsEntry("annotatedBy", "someone-else")
                .doesNotContainKey("targetModels");

        HttpResponse<String> invalid = send("PUT", "/api/resources/models/llm/chat",
                "{\"modelName\":\"chat\",\"criticality\":\"Urgent\",\"poolRef\":\"llama\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("criticality must be");
        assertThat(spec(kube.genericKubernetesResources(MODEL).inNamespace("llm").withName("chat").get()))
                .containsEntry("criticality", "Sheddable");

        assertThat(send("DELETE", "/api/resources/models/llm/chat", null).statusCode()).isEqualTo(204);
        assertThat(kube.genericKubernetesResources(MODEL).inNamespace("llm").withName("chat").get()).isNull();
        assertThat(get("/api/resources/models/llm/chat").statusCode()).isEqualTo(404);
    }

    @Test
    void aPoolStoredAsV1alpha2IsEditedInThatVersion() throws Exception {
        GenericKubernetesResource old = new GenericKubernetesResource();
        old.setApiVersion("inference.networking.x-k8s.io/v1alpha2");
        old.setKind("InferencePool");
        old.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace("llm").withName("qwen").build());
        old.setAdditionalProperty("spec", Map.of("selector", Map.of("app", "vllm-qwen"), "targetPortNumber", 8000));
        kube.genericKubernetesResources(POOL_V1ALPHA2).inNamespace("llm").resource(old).create();

        String version = kube.genericKubernetesResources(POOL_V1ALPHA2).inNamespace("llm").withName("qwen").get()
                .getMetadata().getResourceVersion();
        HttpResponse<String> edited = send("PUT", "/api/resources/pools/llm/qwen",
                "{\"selector\":{\"app\":\"vllm-qwen\",\"tier\":\"gpu\"},\"targetPorts\":[9000],\"failureMode\":\"FailOpen\","
                        + "\"resourceVersion\":\"" + version + "\"}");
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        Map<String, Object> spec = spec(kube.genericKubernetesResources(POOL_V1ALPHA2).inNamespace("llm").withName("qwen")
                .get());
        assertThat(spec).containsEntry("targetPortNumber", 9000)
                .containsEntry("selector", Map.of("app", "vllm-qwen", "tier", "gpu"));
        assertThat(spec.get("extensionRef")).isEqualTo(Map.of("name", "inference-router", "portNumber", 8080,
                "failureMode", "FailOpen"));
        HttpResponse<String> twoPorts = send("PUT", "/api/resources/pools/llm/qwen",
                "{\"selector\":{\"app\":\"vllm-qwen\"},\"targetPorts\":[9000,9001],\"resourceVersion\":\"x\"}");
        assertThat(twoPorts.statusCode()).isEqualTo(400);
        assertThat(twoPorts.body()).contains("v1alpha2");
    }

    @Test
    void withoutAKubernetesApiEditsAreRefusedAndSaySo() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + readOnly.port()
                        + "/api/resources/models/llm/chat")).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(Json.mapper().readTree(r.body()).at("/error/type").asText()).isEqualTo("editing_disabled");
    }

    @Test
    void decisionsAreFollowedLiveReadByWindowAndReplayedIntoTheReplayTopic() throws Exception {
        long t0 = System.currentTimeMillis();
        RoutingDecision ok = withId(Samples.decision(), "it-ok-1", t0, 200);
        RoutingDecision shed = withId(Samples.decision(), "it-shed-1", t0 + 1, 429);
        RoutingDecision late = withId(Samples.decision(), "it-ok-2", t0 + 2, 200);
        JsonSerde<RoutingDecision> serde = new JsonSerde<>(RoutingDecision.class);
        try (KafkaProducer<String, byte[]> p = producer()) {
            p.send(new ProducerRecord<>(Topics.DECISIONS.name(), 0, t0, ok.requestId(), serde.serialize("t", ok))).get();
            p.send(new ProducerRecord<>(Topics.DECISIONS.name(), 1, t0 + 1, shed.requestId(), serde.serialize("t", shed))).get();
            p.send(new ProducerRecord<>(Topics.DECISIONS.name(), 2, t0 + 2, "poison", "{not json".getBytes())).get();
            p.send(new ProducerRecord<>(Topics.DECISIONS.name(), 2, t0 + 60_000, late.requestId(),
                    serde.serialize("t", late))).get();
        }

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> ids(get("/api/decisions?limit=100").body()).containsAll(List.of("it-ok-1", "it-shed-1", "it-ok-2")));
        assertThat(ids(get("/api/decisions?status=429").body())).containsExactly("it-shed-1");
        assertThat(get("/api/decisions?limit=0").statusCode()).isEqualTo(400);
        assertThat(get("/metrics").body()).contains("admin_decisions_unreadable_total 1.0");

        String window = "from=" + Instant.ofEpochMilli(t0) + "&to=" + Instant.ofEpochMilli(t0 + 30_000);
        JsonNode w = Json.mapper().readTree(get("/api/decisions/window?" + window).body());
        assertThat(ids(w)).containsExactly("it-ok-1", "it-shed-1");
        assertThat(w.get("unreadable").asInt()).isEqualTo(1);
        assertThat(w.get("truncated").asBoolean()).isFalse();
        assertThat(get("/api/decisions/window?from=" + (t0 + 10) + "&to=" + t0).statusCode()).isEqualTo(400);

        HttpResponse<String> replay = send("POST", "/api/replays", "{\"id\":\"it-replay\",\"from\":\"" + Instant.ofEpochMilli(t0)
                + "\",\"to\":" + (t0 + 30_000) + "}");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(201);
        assertThat(Json.mapper().readTree(replay.body()).get("records").asInt()).isEqualTo(2);
        assertThat(ids(get("/api/replays/it-replay").body())).containsExactly("it-ok-1", "it-shed-1");
        assertThat(get("/api/replays/never-made").statusCode()).isEqualTo(404);

        List<ConsumerRecord<String, byte[]>> copied = readReplayTopic();
        assertThat(copied).extracting(ConsumerRecord::key).containsExactly("it-replay/it-ok-1", "it-replay/it-shed-1");
        assertThat(copied.get(0).timestamp()).isEqualTo(t0);
        assertThat(new String(copied.get(1).headers().lastHeader(DecisionWindow.HEADER_SOURCE_PARTITION).value(),
                StandardCharsets.UTF_8)).isEqualTo("1");
        assertThat(serde.deserialize("t", copied.get(1).value())).isEqualTo(shed);
    }

    @Test
    void anyDecisionInTheTopicIsFoundByItsRequestIdWithItsExplanation() throws Exception {
        JsonSerde<RoutingDecision> serde = new JsonSerde<>(RoutingDecision.class);
        String gatewayId = RequestIds.next();
        String clientsId = "client-chose-this-id-" + System.nanoTime();
        List<String> later = new ArrayList<>();
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> p = producer()) {
            // Keyed by request id, partitioned by the producer's default hash: as the gateway writes them.
            p.send(new ProducerRecord<>(Topics.DECISIONS.name(), gatewayId,
                    serde.serialize("t", withFullRecord(Samples.decision(), gatewayId, now)))).get();
            p.send(new ProducerRecord<>(Topics.DECISIONS.name(), clientsId,
                    serde.serialize("t", withFullRecord(Samples.decision(), clientsId, now)))).get();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    String body = get("/api/decisions?limit=100").body();
                    assertThat(allIds(body)).contains(gatewayId, clientsId);
                });
        try (KafkaProducer<String, byte[]> p = producer()) {
            // More than the 100 the live view keeps: the two above are only in Kafka once these are in.
            for (int i = 0; i < 150; i++) {
                String id = RequestIds.next();
                later.add(id);
                p.send(new ProducerRecord<>(Topics.DECISIONS.name(), id,
                        serde.serialize("t", withFullRecord(Samples.decision(), id, now + 1))));
            }
            p.flush();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> later.containsAll(allIds(get("/api/decisions?limit=100").body())));
        assertThat(allIds(get("/api/decisions?limit=100").body())).doesNotContain(gatewayId, clientsId);

        for (String id : List.of(gatewayId, clientsId)) {
            HttpResponse<String> found = get("/api/decisions/" + id);
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            JsonNode body = Json.mapper().readTree(found.body());
            assertThat(body.get("foundIn").asText()).isEqualTo("kafka");
            assertThat(body.get("decision").get("requestId").asText()).isEqualTo(id);
            assertThat(body.get("decision").get("scheduling").get("seed").asLong())
                    .isEqualTo(Samples.decision().scheduling().seed());
            assertThat(body.get("explanation").asText()).startsWith("won: llama-0, the only endpoint left to score")
                    .contains("llama-1 (low-kv-cache: KV 0.91 >= 0.8)")
                    .contains("tried llama-1 (answered 503, retried");
        }
        HttpResponse<String> recent = get("/api/decisions/" + allIds(get("/api/decisions?limit=1").body()).get(0));
        assertThat(Json.mapper().readTree(recent.body()).get("foundIn").asText()).isEqualTo("memory");
        HttpResponse<String> missing = get("/api/decisions/" + RequestIds.next());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no decision for request");
        assertThat(get("/api/decisions/" + "x".repeat(200)).statusCode()).isEqualTo(400);
    }

    @Test
    void aWindowIsReDecidedAndReplayedUnderOtherProfiles() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        JsonSerde<RoutingDecision> serde = new JsonSerde<>(RoutingDecision.class);
        long t0 = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> p = producer()) {
            for (int i = 0; i < 30; i++) {
                // A pool of its own, so that the other tests' decisions stay out of the window.
                RoutingDecision s = withFullRecord(Samples.decision(), "it-whatif-" + i, t0 + 100L * i);
                RoutingDecision d = new RoutingDecision(s.requestId(), s.receivedAtMs(), s.requestedModel(),
                        s.targetModel(), ResourceKey.parse("llm/whatif"), s.objective(), s.criticality(), s.priority(),
                        s.fairnessId(), s.profile(), s.stream(), s.candidates(), s.chosenEndpoint(), s.decisionNanos(),
                        s.outcome(), s.observedAtMs(), s.source(), s.scheduling(), s.attempts());
                p.send(new ProducerRecord<>(Topics.DECISIONS.name(), null, t0 + 100L * i + 50, d.requestId(),
                        serde.serialize("t", d)));
            }
            p.flush();
        }
        String window = "\"from\":\"" + Instant.ofEpochMilli(t0 - 1_000) + "\",\"to\":\""
                + Instant.ofEpochMilli(t0 + 60_000) + "\",\"pool\":\"llm/whatif\"";
        HttpResponse<String> r = send("POST", "/api/whatif", "{" + window + ",\"profiles\":[\"default\",\"queue-kv\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.at("/redecision/same").asInt()).isEqualTo(30);
        assertThat(body.at("/redecision/different").asInt()).isZero();
        assertThat(body.at("/arrivals/requests").asInt()).isEqualTo(30);
        assertThat(body.at("/arrivals/pods").asInt()).isEqualTo(2);
        assertThat(body.get("replays")).extracting(n -> n.get("profile").asText()).containsExactly("default", "queue-kv");
        assertThat(body.at("/replays/0/ttftMs/p50").asDouble()).isPositive();
        assertThat(body.at("/replays/0/ttftQuantiles").size()).isEqualTo(51);

        assertThat(send("POST", "/api/whatif", "{" + window + ",\"profiles\":[\"no-such\"]}").body())
                .contains("unknown profile 'no-such'");
        assertThat(send("POST", "/api/whatif", "{\"from\":\"yesterday\"}").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/whatif", "not json").statusCode()).isEqualTo(400);

        Assumptions.assumeTrue(Files.isExecutable(chromium), "no Chromium at " + chromium + " (apt-get install chromium)");
        String url = base + "/#whatif/" + Instant.ofEpochMilli(t0 - 1_000) + "/" + Instant.ofEpochMilli(t0 + 60_000)
                + "/llm/whatif";
        String page = renderedDom(chromium, url);
        assertThat(page).contains("id=\"whatif-determinism\"").contains("30 of 30 re-decided")
                .contains("aria-label=\"TTFT distribution (% of requests under x ms)\"")
                .contains("data-series=\"recorded\"").contains("data-series=\"precise\"")
                .doesNotContain("NaN");
        screenshot(chromium, url, "whatif-page.png");
    }

    private static RoutingDecision withFullRecord(RoutingDecision d, String id, long receivedAtMs) {
        return new RoutingDecision(id, receivedAtMs, d.requestedModel(), d.targetModel(), d.pool(), d.objective(),
                d.criticality(), d.priority(), d.fairnessId(), d.profile(), d.stream(), d.candidates(),
                d.chosenEndpoint(), d.decisionNanos(), d.outcome(), receivedAtMs, d.source(), d.scheduling(),
                d.attempts());
    }

    private List<ConsumerRecord<String, byte[]>> readReplayTopic() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(Topics.DECISIONS_REPLAY.name(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key().startsWith("it-replay/")) {
                        out.add(r);
                    }
                });
            }
            return out;
        }
    }

    private static RoutingDecision withId(RoutingDecision d, String id, long receivedAtMs, int status) {
        return new RoutingDecision(id, receivedAtMs, d.requestedModel(), d.targetModel(), d.pool(), d.objective(),
                d.criticality(), d.priority(), d.fairnessId(), d.profile(), d.stream(), d.candidates(),
                status == 200 ? d.chosenEndpoint() : null, d.decisionNanos(),
                new RoutingDecision.Outcome(status, status == 200 ? null : "shed", null, null, null, 100, 1),
                receivedAtMs, d.source());
    }

    private static List<String> ids(String body) throws Exception {
        return ids(Json.mapper().readTree(body));
    }

    /** Every request id of a decisions list, in its order. */
    private static List<String> allIds(String body) throws Exception {
        List<String> out = new ArrayList<>();
        Json.mapper().readTree(body).get("decisions").forEach(d -> out.add(d.at("/decision/requestId").asText()));
        return out;
    }

    private static List<String> ids(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.get("decisions").forEach(d -> {
            String id = d.at("/decision/requestId").asText();
            if (id.startsWith("it-")) {
                out.add(id);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource r) {
        return (Map<String, Object>) r.getAdditionalProperties().get("spec");
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "application/json")
                .method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
    }
}
