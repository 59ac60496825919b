package io.inferrouter.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.WebServer;
import io.inferrouter.gateway.api.ErrorResponses;
import io.inferrouter.gateway.api.InferenceService;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.director.Director;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.proxy.Http1Upstream;
import io.inferrouter.gateway.proxy.UpstreamProxy;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.Profiles;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.gateway.tables.SnapshotBuilder;
import io.inferrouter.gateway.tables.Tables;
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
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tables that were loaded once but have lost contact with Kafka for longer than
 * {@code tables.staleness}: each pool's failure mode decides. FailOpen still routes (to any endpoint,
 * in random order); FailClose refuses with 503. No broker: the tables are a fixed snapshot whose last
 * contact was long ago.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaleTablesIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeModelServer open;
    private FakeModelServer closed;
    private PrefixIndex index;
    private WebServer server;

    @BeforeAll
    void start() throws Exception {
        open = new FakeModelServer("open");
        closed = new FakeModelServer("closed");
        long now = System.currentTimeMillis();
        SnapshotBuilder b = new SnapshotBuilder(GatewayMetrics.NOOP);
        ResourceKey openKey = ResourceKey.of("llm", "open");
        ResourceKey closedKey = ResourceKey.of("llm", "closed");
        pool(b, openKey, FailureMode.FailOpen, open, now);
        pool(b, closedKey, FailureMode.FailClose, closed, now);
        b.model(openKey, new ModelRow(openKey, openKey, "open-model", Criticality.Standard, List.of(),
                RowStatus.Accepted, List.of(), 1, 1));
        b.model(closedKey, new ModelRow(closedKey, closedKey, "closed-model", Criticality.Standard, List.of(),
                RowStatus.Accepted, List.of(), 1, 1));
        RoutingSnapshot snapshot = b.build();
        Tables stale = new Tables() {
            @Override
            public RoutingSnapshot current() {
                return snapshot;
            }

            @Override
            public boolean ready() {
                return true;
            }

            @Override
            public long lastContactMs() {
                return now - Duration.ofMinutes(10).toMillis();
            }
        };
        GatewayConfig config = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), Map.of(
                "GATEWAY_HTTP_PORT", "0", "GATEWAY_TABLE_STALENESS", "PT10S")));
        index = new PrefixIndex(100, 100);
        InferenceService service = new InferenceService(new Director(config, stale, Profiles.build(config, index),
                new UpstreamProxy(new Http1Upstream(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(4), 16), 2), null, GatewayMetrics.NOOP));
        server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.register(service)
                .error(GatewayException.class, ErrorResponses::send)).build().start();
    }

    @AfterAll
    void stop() throws Exception {
        server.stop();
        index.close();
        open.close();
        closed.close();
    }

    @Test
    void aFailOpenPoolIsStillRoutedWhenTheTablesAreStale() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"open-model\",\"prompt\":\"x\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-endpoint")).contains("llm/pod-open:" + open.port());
        assertThat(open.received()).hasSize(1);
    }

    @Test
    void aFailClosePoolRefusesWith503WhenTheTablesAreStale() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"closed-model\",\"prompt\":\"x\"}");
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode error = Json.mapper().readTree(r.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("service_unavailable");
        assertThat(error.get("code").asText()).isEqualTo("tables_stale");
        assertThat(error.get("message").asText()).contains("llm/closed").contains("fails closed");
        assertThat(closed.received()).isEmpty();
    }

    private static void pool(SnapshotBuilder b, ResourceKey key, FailureMode mode, FakeModelServer s, long now) {
        String name = key.name();
        InferencePool pool = new InferencePool(new ResourceMeta("llm", name, null, null, 1, now), InferencePool.API_V1,
                Map.of("app", name), List.of(8000), null, new EndpointPickerRef(null, null, "epp", null, mode),
                List.of(), now, "it");
        b.pool(key, new PoolRow(pool, RowStatus.Accepted, List.of(), now));
        EndpointId id = new EndpointId("llm", "pod-" + s.name(), s.port());
        EngineReport report = EngineReport.scraped("vllm", EngineLoad.of(0, 0, 0.1), new CacheGeometry(16, 1000, 0L, 0L),
                100, now, "it");
        b.endpoint(key, id, new EndpointRow(key, id, "127.0.0.1", s.port(), Map.of(), report, now));
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
