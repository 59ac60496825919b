package io.inferrouter.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.director.Director;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.proxy.Http1Upstream;
import io.inferrouter.gateway.proxy.UpstreamProxy;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.Profiles;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.gateway.tables.Tables;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Until its tables have caught up, the gateway answers 503 rather than routing on half a picture. */
class TablesNotLoadedTest {

    @Test
    void requestsBeforeTheTablesAreLoadedGet503() throws Exception {
        GatewayConfig config = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(),
                Map.of("GATEWAY_HTTP_PORT", "0")));
        Tables loading = new Tables() {
            @Override
            public RoutingSnapshot current() {
                return RoutingSnapshot.EMPTY;
            }

            @Override
            public boolean ready() {
                return false;
            }

            @Override
            public long lastContactMs() {
                return 0;
            }
        };
        try (PrefixIndex index = new PrefixIndex(10, 10)) {
            InferenceService service = new InferenceService(new Director(config, loading, Profiles.build(config, index),
                    new UpstreamProxy(new Http1Upstream(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(4), 16), 2), null, GatewayMetrics.NOOP));
            WebServer server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.register(service)
                    .error(GatewayException.class, ErrorResponses::send)).build().start();
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"p\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body()).contains("\"code\":\"tables_not_loaded\"").contains("\"type\":\"service_unavailable\"");
            } finally {
                server.stop();
            }
        }
    }
}
