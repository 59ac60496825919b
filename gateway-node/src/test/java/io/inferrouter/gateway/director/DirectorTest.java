package io.inferrouter.gateway.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.director.FakeUpstream.Answer;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.proxy.UpstreamProxy;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.Profiles;
import io.inferrouter.gateway.scheduler.PromptBlocks;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.gateway.tables.SnapshotBuilder;
import io.inferrouter.gateway.tables.Tables;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.EndpointPickerRef;
import io.inferrouter.schemas.resources.FailureMode;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The director against a table fake and fake model servers, no network: every stage from parse to
 * the decision event, and the outcome each refusal or failure leaves in the decision.
 */
class DirectorTest {

    /** FailOpen; {@code first} (idle) always ranks before {@code second} (queue 3, cache 90% full). */
    private static final ResourceKey POOL = ResourceKey.of("llm", "pool");
    /** Every endpoint saturated. */
    private static final ResourceKey BUSY = ResourceKey.of("llm", "busy");
    private static final ResourceKey CLOSED = ResourceKey.of("llm", "closed");
    /** A pool row without endpoints. */
    private static final ResourceKey EMPTY = ResourceKey.of("llm", "empty");
    private static final String PROMPT = "You are a careful assistant who answers in one word. ".repeat(4);

    private final FakeTables tables = new FakeTables();
    private final FakeUpstream upstream = new FakeUpstream();
    private final List<RoutingDecision> decisions = new CopyOnWriteArrayList<>();
    private final CountingMetrics metrics = new CountingMetrics();
    private final PrefixIndex index = new PrefixIndex(10_000, 1_000);
    private Director director;
    private Endpoint first;
    private Endpoint second;
    private int requests;

    @BeforeEach
    void setUp() {
        long now = System.currentTimeMillis();
        SnapshotBuilder b = new SnapshotBuilder(GatewayMetrics.NOOP);
        pool(b, POOL, FailureMode.FailOpen);
        endpoint(b, POOL, "first", 1, 0, 0.1, now);
        endpoint(b, POOL, "second", 2, 3, 0.9, now);
        pool(b, BUSY, FailureMode.FailOpen);
        endpoint(b, BUSY, "busy", 3, 50, 0.95, now);
        pool(b, CLOSED, FailureMode.FailClose);
        endpoint(b, CLOSED, "locked", 4, 0, 0.1, now);
        pool(b, EMPTY, FailureMode.FailOpen);
        model(b, "chat", POOL, Criticality.Standard);
        model(b, "batch", BUSY, Criticality.Sheddable);
        model(b, "vip", BUSY, Criticality.Critical);
        model(b, "locked", CLOSED, Criticality.Standard);
        model(b, "nowhere", EMPTY, Criticality.Standard);
        tables.snapshot = b.build();
        tables.lastContactMs = now;
        first = tables.snapshot.pools().get(POOL).endpoints().get(0);
        second = tables.snapshot.pools().get(POOL).endpoints().get(1);
        GatewayConfig config = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), Map.of(
                "GATEWAY_METRICS_STALENESS", "PT1H",
                "GATEWAY_TABLE_STALENESS", "PT10S",
                "GATEWAY_MAX_BODY_BYTES", "2000",
                "GATEWAY_ALLOW_PROFILE_HEADER", "true")));
        director = new Director(config, tables, Profiles.build(config, index), new UpstreamProxy(upstream, 2),
                decisions::add, metrics);
    }

    @AfterEach
    void close() {
        index.close();
    }

    @Test
    void aWholeAnswerIsServedWithTheClientsModelAndItsDecisionRecorded() {
        upstream.answer(first, Answer.json("{\"model\":\"chat\",\"choices\":[{\"text\":\"yes\"}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1}}"));
        Exchange x = route(completion("chat", PROMPT, false), Map.of("x-gateway-inference-fairness-id", "tenant-7"));
        assertThat(x.status()).isEqualTo(200);
        assertThat(x.streamsEvents()).isFalse();
        assertThat(x.servedBy()).isEqualTo(first.idText());
        assertThat(new String(director.body(x), StandardCharsets.UTF_8)).contains("\"yes\"");
        director.complete(x);

        RoutingDecision d = decision(x);
        assertThat(d.outcome().status()).isEqualTo(200);
        assertThat(d.outcome().errorType()).isNull();
        assertThat(d.outcome().attempts()).isEqualTo(1);
        assertThat(d.outcome().outputTokens()).isEqualTo(1);
        assertThat(d.chosenEndpoint()).isEqualTo(first.id());
        assertThat(d.profile()).isEqualTo("default");
        assertThat(d.candidates()).hasSize(2);
        assertThat(d.candidates().get(0).scores()).containsKeys("queue", "kv-cache", "prefix-cache");
        assertThat(d.fairnessId()).isEqualTo("tenant-7");
        // What the cycle read, so it can be re-decided: the profile, its seed, the saturation check, the
        // load as read (before this request counted itself in flight) and the prefix lookup.
        assertThat(d.scheduling().configHash()).hasSize(12);
        assertThat(d.scheduling().profileConfig()).contains("picker=max-score");
        assertThat(d.scheduling().saturation().saturated()).isFalse();
        assertThat(d.scheduling().prefix()).containsKey("prefix-cache");
        assertThat(d.scheduling().promptHashes()).isNotBlank();
        assertThat(d.candidates()).allSatisfy(c -> {
            assertThat(c.inFlight()).isZero();
            assertThat(c.inFlightSinceMetrics()).isZero();
        });
        assertThat(first.load().inFlight()).isZero();
        assertThat(metrics.ended).containsExactly(200);
    }

    @Test
    void aFailureBeforeTheFirstByteIsRetriedOnTheNextEndpoint() {
        upstream.answer(second, Answer.json("{\"model\":\"chat\"}"));
        Exchange x = route(completion("chat", "x", false), Map.of());
        assertThat(upstream.sent()).extracting(FakeUpstream.Sent::endpoint)
                .containsExactly(first.hostPort(), second.hostPort());
        assertThat(x.servedBy()).isEqualTo(second.idText());
        director.body(x);
        director.complete(x);
        assertThat(metrics.retried).containsExactly(POOL);
        assertThat(decision(x).chosenEndpoint()).isEqualTo(second.id());
        assertThat(decision(x).outcome().attempts()).isEqualTo(2);
        assertThat(decision(x).attempts()).extracting(RoutingDecision.Attempt::endpoint)
                .containsExactly(first.id(), second.id());
        assertThat(decision(x).attempts().get(0).status()).isNull();
        assertThat(decision(x).attempts().get(0).error()).contains(first.id().toString());
        assertThat(decision(x).attempts().get(1).status()).isEqualTo(200);
        assertThat(decision(x).attempts().get(1).error()).isNull();
        assertThat(first.load().inFlight()).isZero();
        assertThat(second.load().inFlight()).isZero();
    }

    @Test
    void thePrefixIndexLearnsTheEndpointThatServedNotTheOneRankedFirst() {
        upstream.answer(second, Answer.json("{\"model\":\"chat\"}"));
        Exchange x = route(completion("chat", PROMPT, false), Map.of());
        director.body(x);
        director.complete(x);

        assertThat(index.awaitApplied(5_000)).isTrue();
        long[] blocks = PromptBlocks.hash(PROMPT, "chat", 16 * PromptBlocks.CHARS_PER_TOKEN, 256);
        assertThat(blocks).isNotEmpty();
        assertThat(index.matchedBlocks(POOL, blocks)).containsOnlyKeys(second.id());
    }

    @Test
    void aRefusedAnswerTeachesThePrefixIndexNothing() {
        upstream.answer(first, new Answer(400, "application/json", "{\"error\":{\"message\":\"bad\"}}", false));
        Exchange x = route(completion("chat", PROMPT, false), Map.of());
        assertThat(x.status()).isEqualTo(400);
        director.body(x);
        director.complete(x);
        assertThat(index.awaitApplied(5_000)).isTrue();
        assertThat(index.matchedBlocks(POOL, PromptBlocks.hash(PROMPT, "chat", 64, 256))).isEmpty();
    }

    @Test
    void whenTheLastEndpointAnswers5xxTheClientGets502() {
        upstream.answer(first, Answer.status(503));
        upstream.answer(second, Answer.status(503));
        Exchange x = start(Map.of());
        GatewayException e = refused(x, completion("chat", "x", false));
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.code()).isEqualTo("upstream_failed");
        assertThat(decision(x).outcome().status()).isEqualTo(502);
        assertThat(decision(x).outcome().errorType()).isEqualTo("upstream_error");
        assertThat(first.load().inFlight()).isZero();
        assertThat(second.load().inFlight()).isZero();
    }

    @Test
    void anUnknownModelIs404() {
        Exchange x = start(Map.of());
        GatewayException e = refused(x, completion("ghost", "x", false));
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("model_not_found");
        assertThat(decision(x).outcome().status()).isEqualTo(404);
        assertThat(decision(x).outcome().errorType()).isEqualTo("invalid_request_error");
        assertThat(upstream.sent()).isEmpty();
        assertThat(metrics.ended).containsExactly(404);
        assertThat(metrics.endedModels).containsExactly(Director.UNKNOWN_MODEL);
    }

    @Test
    void aPoolWithoutEndpointsIs503() {
        GatewayException e = refused(start(Map.of()), completion("nowhere", "x", false));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("no_ready_endpoint");
    }

    @Test
    void requestsBeforeTheTablesAreLoadedAre503() {
        tables.ready = false;
        GatewayException e = refused(start(Map.of()), completion("chat", "x", false));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("tables_not_loaded");
    }

    @Test
    void badBodiesAre400AndLargeOnes413() {
        assertThat(refused(start(Map.of()), "{broken").status()).isEqualTo(400);
        GatewayException large = refused(start(Map.of()), completion("chat", "x".repeat(3_000), false));
        assertThat(large.status()).isEqualTo(413);
        assertThat(large.code()).isEqualTo("request_too_large");
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413() {
        byte[] large = completion("chat", "x".repeat(3_000), false).getBytes(StandardCharsets.UTF_8);
        Exchange tooLarge = start(Map.of());
        assertThatThrownBy(() -> director.route(tooLarge, new ByteArrayInputStream(large), large.length))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(413));
        director.complete(tooLarge);
        assertThat(tooLarge.status()).isEqualTo(413);
    }

    @Test
    void anUnknownProfileIs400() {
        GatewayException e = refused(start(Map.of("X-Gateway-Scheduler-Profile", "nope")),
                completion("chat", "x", false));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("unknown scheduler profile 'nope'");
    }

    @Test
    void sheddableRequestGets429WhenPoolSaturatedButCriticalIsServed() {
        Endpoint busy = tables.snapshot.pools().get(BUSY).endpoints().get(0);
        upstream.answer(busy, Answer.json("{\"model\":\"vip\"}"));
        Exchange shed = start(Map.of());
        GatewayException e = refused(shed, completion("batch", "x", false));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.type()).isEqualTo("rate_limit_exceeded");
        assertThat(metrics.shed).containsExactly(BUSY);
        assertThat(decision(shed).outcome().errorType()).isEqualTo("rate_limit_exceeded");
        // A shed request is recorded with the load that made the pool saturated.
        assertThat(decision(shed).scheduling().saturation().saturated()).isTrue();
        assertThat(decision(shed).candidates()).isNotEmpty().allSatisfy(c -> assertThat(c.scores()).isEmpty());
        assertThat(decision(shed).attempts()).isEmpty();

        Exchange vip = route(completion("vip", "x", false), Map.of());
        assertThat(vip.status()).isEqualTo(200);
        director.complete(vip);
    }

    @Test
    void staleTablesFailClosedWith503() {
        tables.lastContactMs = System.currentTimeMillis() - 60_000;
        GatewayException e = refused(start(Map.of()), completion("locked", "x", false));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("tables_stale");
        assertThat(upstream.sent()).isEmpty();
    }

    @Test
    void staleTablesFailOpenToAnyEndpointUnscoredAndStillShedNothing() {
        tables.lastContactMs = System.currentTimeMillis() - 60_000;
        Endpoint busy = tables.snapshot.pools().get(BUSY).endpoints().get(0);
        upstream.answer(busy, Answer.json("{\"model\":\"batch\"}"));
        // Saturation is judged on metrics the gateway cannot trust now: a FailOpen pool serves.
        Exchange x = route(completion("batch", "x", false), Map.of());
        assertThat(x.servedBy()).isEqualTo(busy.idText());
        director.body(x);
        director.complete(x);
        assertThat(decision(x).profile()).isEqualTo("default/fail-open");
        // The record shows the pool as the cycle saw it, unscored, and that no saturation check was made.
        assertThat(decision(x).candidates()).hasSize(tables.snapshot.pools().get(BUSY).endpoints().size())
                .allSatisfy(c -> assertThat(c.scores()).isEmpty());
        assertThat(decision(x).scheduling().saturation()).isNull();
        assertThat(decision(x).attempts()).singleElement().satisfies(a -> {
            assertThat(a.endpoint()).isEqualTo(busy.id());
            assertThat(a.status()).isEqualTo(200);
        });
    }

    @Test
    void clientsCannotChooseTheBackendAndGatewayHeadersStayHome() {
        upstream.answer(first, Answer.json("{\"model\":\"chat\"}"));
        Exchange x = route(completion("chat", "x", false),
                Map.of("x-gateway-destination-endpoint", "10.9.9.9:1", "authorization", "Bearer k"));
        Map<String, List<String>> sentHeaders = upstream.sent().get(0).headers();
        assertThat(sentHeaders).containsEntry("authorization", List.of("Bearer k"))
                .containsEntry("x-request-id", List.of(x.requestId()))
                .doesNotContainKey("x-gateway-destination-endpoint");
        Map<String, List<String>> back = new LinkedHashMap<>();
        x.forEachResponseHeader(back::put);
        assertThat(back).containsKeys("Content-Type", "x-served-by")
                .doesNotContainKeys("Transfer-Encoding", "x-gateway-destination-endpoint");
        director.complete(x);
    }

    @Test
    void aCompleteStreamIsRelayedAndTheClientsBodyEnded() {
        upstream.answer(first, Answer.events("data: {\"model\":\"chat\",\"choices\":[{\"text\":\"a\"}]}\n\n",
                "data: [DONE]\n\n"));
        Exchange x = route(completion("chat", "x", true), Map.of());
        assertThat(x.streamsEvents()).isTrue();
        ClientBody client = new ClientBody();
        assertThat(director.relayEvents(x, client)).isEqualTo(StreamEnd.COMPLETE);
        assertThat(client.closed).isTrue();
        assertThat(client.text()).endsWith("data: [DONE]\n\n");
        director.complete(x);
        assertThat(decision(x).outcome().errorType()).isNull();
        assertThat(metrics.aborted).isEmpty();
    }

    @Test
    void aStreamCutMidwayGetsAnErrorEventIsLeftUnendedAndIsRecordedAsAborted() {
        upstream.answer(first, Answer.eventsThenCut("data: {\"model\":\"chat\",\"choices\":[{\"text\":\"a\"}]}\n\n",
                "data: {\"model\":\"chat\",\"choices\":[{\"text\":\"b\"}]}\n\n", "data: {\"model\":\"ch"));
        Exchange x = route(completion("chat", "x", true), Map.of());
        ClientBody client = new ClientBody();
        assertThat(director.relayEvents(x, client)).isEqualTo(StreamEnd.UPSTREAM_BROKEN);
        assertThat(client.closed).as("the body must be aborted by the adapter, not ended").isFalse();
        List<String> events = client.text().lines().filter(l -> !l.isEmpty()).toList();
        assertThat(events).hasSize(3);
        assertThat(events.get(2)).startsWith("data: {\"error\":{").contains("\"type\":\"upstream_error\"")
                .contains("\"code\":\"stream_broken\"");
        director.complete(x);

        RoutingDecision d = decision(x);
        assertThat(d.outcome().status()).isEqualTo(200);
        assertThat(d.outcome().errorType()).isEqualTo(Director.STREAM_ABORTED);
        assertThat(d.outcome().outputTokens()).isEqualTo(2);
        assertThat(metrics.aborted).containsExactly(POOL);
        assertThat(first.load().inFlight()).isZero();
    }

    @Test
    void aClientGoneMidStreamIsRecorded() {
        upstream.answer(first, Answer.events("data: {\"choices\":[{\"text\":\"a\"}]}\n\n", "data: [DONE]\n\n"));
        Exchange x = route(completion("chat", "x", true), Map.of());
        ClientBody gone = new ClientBody();
        gone.broken = true;
        assertThat(director.relayEvents(x, gone)).isEqualTo(StreamEnd.CLIENT_GONE);
        director.complete(x);
        assertThat(decision(x).outcome().errorType()).isEqualTo(Director.CLIENT_DISCONNECTED);
        assertThat(metrics.aborted).isEmpty();
    }

    @Test
    void completingTwiceRecordsOnce() {
        Exchange x = start(Map.of());
        refused(x, completion("ghost", "x", false));
        director.complete(x);
        assertThat(decisions).hasSize(1);
        assertThat(metrics.ended).hasSize(1);
    }

    // --- helpers ---

    private Exchange start(Map<String, String> headers) {
        return director.start("req-" + ++requests, InferenceRequest.Kind.COMPLETIONS, "/v1/completions",
                new MapHeaders(headers));
    }

    /** A request that is routed (an upstream answered); the caller relays and completes it. */
    private Exchange route(String body, Map<String, String> headers) {
        Exchange x = start(headers);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        director.route(x, new ByteArrayInputStream(bytes), bytes.length);
        return x;
    }

    /** A request the director refuses; completed, so its decision is recorded. */
    private GatewayException refused(Exchange x, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<GatewayException> thrown = new ArrayList<>();
        assertThatThrownBy(() -> director.route(x, new ByteArrayInputStream(bytes), -1))
                .isInstanceOfSatisfying(GatewayException.class, thrown::add);
        assertThat(x.status()).isEqualTo(thrown.get(0).status());
        director.complete(x);
        return thrown.get(0);
    }

    private RoutingDecision decision(Exchange x) {
        return decisions.stream().filter(d -> d.requestId().equals(x.requestId())).findFirst().orElseThrow();
    }

    private static String completion(String model, String prompt, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"prompt\":\"" + prompt + "\"}";
    }

    private static void pool(SnapshotBuilder b, ResourceKey key, FailureMode mode) {
        long now = System.currentTimeMillis();
        InferencePool pool = new InferencePool(new ResourceMeta(key.namespace(), key.name(), null, null, 1, now),
                InferencePool.API_V1, Map.of("app", key.name()), List.of(8000), null,
                new EndpointPickerRef(null, null, "epp", null, mode), List.of(), now, "test");
        b.pool(key, new PoolRow(pool, RowStatus.Accepted, List.of(), now));
    }

    private static void endpoint(SnapshotBuilder b, ResourceKey pool, String pod, int host, int waiting, double kv,
                                 long now) {
        EndpointId id = new EndpointId("llm", pod, 8000);
        EngineReport report = EngineReport.scraped("vllm", EngineLoad.of(waiting, 0, kv),
                new CacheGeometry(16, 1000, 0L, 0L), 100, now, "test");
        b.endpoint(pool, id, new EndpointRow(pool, id, "10.0.0." + host, 8000, Map.of(), report, now));
    }

    private static void model(SnapshotBuilder b, String name, ResourceKey pool, Criticality criticality) {
        ResourceKey key = ResourceKey.of("llm", name);
        b.model(key, new ModelRow(key, pool, name, criticality, List.of(), RowStatus.Accepted, List.of(), 1, 1));
    }

    /** The table fake: a fixed snapshot, readiness and Kafka contact time the test sets. */
    private static final class FakeTables implements Tables {
        volatile RoutingSnapshot snapshot = RoutingSnapshot.EMPTY;
        volatile boolean ready = true;
        volatile long lastContactMs;

        @Override
        public RoutingSnapshot current() {
            return snapshot;
        }

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public long lastContactMs() {
            return lastContactMs;
        }
    }

    private record MapHeaders(Map<String, String> headers) implements RequestHeaders {
        @Override
        public String first(String name) {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (h.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return h.getValue();
                }
            }
            return null;
        }

        @Override
        public void forEach(BiConsumer<String, List<String>> action) {
            headers.forEach((name, value) -> action.accept(name, List.of(value)));
        }
    }

    /** A client's response body: what it was sent, whether it was ended, and a switch to make it fail. */
    private static final class ClientBody extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean closed;
        boolean broken;

        @Override
        public void write(int b) throws IOException {
            reachable();
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            reachable();
            bytes.write(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }

        private void reachable() throws IOException {
            if (broken) {
                throw new IOException("Broken pipe");
            }
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Counts what the director reports. */
    private static final class CountingMetrics implements GatewayMetrics {
        final List<Integer> ended = Collections.synchronizedList(new ArrayList<>());
        final List<String> endedModels = Collections.synchronizedList(new ArrayList<>());
        final List<ResourceKey> retried = Collections.synchronizedList(new ArrayList<>());
        final List<ResourceKey> shed = Collections.synchronizedList(new ArrayList<>());
        final List<ResourceKey> aborted = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void requestEnded(String model, ResourceKey pool, int status, long totalNanos) {
            ended.add(status);
            endedModels.add(model);
        }

        @Override
        public void retried(ResourceKey pool) {
            retried.add(pool);
        }

        @Override
        public void shed(ResourceKey pool) {
            shed.add(pool);
        }

        @Override
        public void streamAborted(ResourceKey pool) {
            aborted.add(pool);
        }
    }
}
