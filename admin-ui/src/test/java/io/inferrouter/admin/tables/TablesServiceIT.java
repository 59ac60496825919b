package io.inferrouter.admin.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.helidon.webserver.WebServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool query's {@code at} goes through to routing-stream as given, and its answer comes back as it is. */
class TablesServiceIT {

    private final List<URI> asked = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer routingStream;
    private TablesClient tables;
    private WebServer admin;

    @BeforeEach
    void start() throws Exception {
        // A stand-in for routing-stream that records what it was asked and answers 404 to an 'at' query.
        routingStream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        routingStream.createContext("/", exchange -> {
            asked.add(exchange.getRequestURI());
            boolean asOf = exchange.getRequestURI().getRawQuery() != null;
            byte[] body = (asOf ? "{\"error\":{\"message\":\"pool llm/llama did not exist at then\"}}"
                    : "{\"pool\":{}}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(asOf ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        routingStream.start();
        tables = new TablesClient(URI.create("http://127.0.0.1:" + routingStream.getAddress().getPort()),
                Duration.ofSeconds(5));
        admin = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.register(new TablesService(tables)))
                .build().start();
    }

    @AfterEach
    void stop() {
        admin.stop();
        tables.close();
        routingStream.stop(0);
    }

    @Test
    void atIsPassedThroughEncodedAndTheAnswerComesBackAsItIs() throws Exception {
        HttpResponse<String> r = get("/api/pools/llm/llama?at=2026-12-02T14%3A13%3A19.250%2B01%3A00");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("did not exist");
        assertThat(asked).singleElement().satisfies(uri -> {
            assertThat(uri.getPath()).isEqualTo("/v1/pools/llm/llama");
            assertThat(uri.getRawQuery()).isEqualTo("at=2026-12-02T14%3A13%3A19.250%2B01%3A00");
            assertThat(uri.getQuery()).isEqualTo("at=2026-12-02T14:13:19.250+01:00");
        });
    }

    @Test
    void withoutAtThePoolIsAskedForAsBefore() throws Exception {
        HttpResponse<String> r = get("/api/pools/llm/llama");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(asked).singleElement().satisfies(uri -> {
            assertThat(uri.getPath()).isEqualTo("/v1/pools/llm/llama");
            assertThat(uri.getRawQuery()).isNull();
        });
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
