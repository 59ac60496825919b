package io.inferrouter.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.EndpointLoad;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.EndpointRow;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway's own HTTP/1.1 client against a server that writes exactly the bytes each test scripts. */
class Http1UpstreamTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void keepAliveConnectionsAreReusedAndTheRequestHeadIsWhatTheServerReads() throws IOException {
        Script server = server((conn, req) -> ok("{\"n\":" + req + "}"));
        Http1Upstream upstream = upstream(Duration.ofSeconds(5));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        headers.put("X-Many", List.of("a", "b"));
        for (int i = 0; i < 3; i++) {
            UpstreamResponse r = upstream.send(server.endpoint(), "/v1/completions", "{\"p\":1}".getBytes(), headers);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(r.contentLength()).isEqualTo(7);
            assertThat(text(r.body())).isEqualTo("{\"n\":" + i + "}");
            r.close();
        }
        assertThat(upstream.connectionsOpened()).isEqualTo(1);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(upstream.idleConnections()).isEqualTo(1);
        assertThat(server.requests.get(0)).isEqualTo("POST /v1/completions HTTP/1.1\r\nHost: " + server.hostPort()
                + "\r\nContent-Length: 7\r\nContent-Type: application/json\r\nX-Many: a\r\nX-Many: b\r\n\r\n{\"p\":1}");
    }

    @Test
    void aChunkedBodyIsReadAcrossChunksExtensionsAndTrailersAndTheConnectionReused() throws IOException {
        Script server = server((conn, req) -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: text/event-stream\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-T: 1\r\n\r\n");
        Http1Upstream upstream = upstream(Duration.ofSeconds(5));
        for (int i = 0; i < 2; i++) {
            UpstreamResponse r = upstream.send(server.endpoint(), "/", new byte[0], Map.of());
            assertThat(r.contentLength()).isEqualTo(-1);
            assertThat(text(r.body())).isEqualTo("hello world");
            r.close();
        }
        assertThat(upstream.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void chunksThatArrivedTogetherCountAsAvailableSoTheRelayFlushesOnce() throws IOException {
        Script server = server((conn, req) -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        UpstreamResponse r = upstream(Duration.ofSeconds(5)).send(server.endpoint(), "/", new byte[0], Map.of());
        InputStream body = r.body();
        byte[] buf = new byte[10];
        assertThat(body.read(buf)).isEqualTo(3);
        // The whole answer came in one write, so the next chunk's size line is buffered.
        assertThat(body.available()).isEqualTo(2);
        assertThat(body.read(buf)).isEqualTo(2);
        assertThat(body.available()).isZero();
        assertThat(body.read(buf)).isEqualTo(-1);
        r.close();
    }

    @Test
    void aStreamCutBeforeItsLastChunkIsAnErrorAfterEveryByteThatArrived() throws IOException {
        Script server = server((conn, req) -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "6\r\ndata:1\r\n" + CLOSE);
        Http1Upstream upstream = upstream(Duration.ofSeconds(5));
        UpstreamResponse r = upstream.send(server.endpoint(), "/", new byte[0], Map.of());
        InputStream body = r.body();
        byte[] buf = new byte[64];
        assertThat(new String(buf, 0, body.read(buf), StandardCharsets.US_ASCII)).isEqualTo("data:1");
        assertThatThrownBy(() -> body.read(buf)).isInstanceOf(EOFException.class)
                .hasMessageContaining("inside a chunked body");
        r.close();
        assertThat(upstream.idleConnections()).isZero();
    }

    @Test
    void aBodyShortOfItsDeclaredLengthIsAnError() throws IOException {
        Script server = server((conn, req) -> "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345" + CLOSE);
        UpstreamResponse r = upstream(Duration.ofSeconds(5)).send(server.endpoint(), "/", new byte[0], Map.of());
        assertThatThrownBy(() -> text(r.body())).isInstanceOf(EOFException.class)
                .hasMessageContaining("5 bytes before the end of the body it declared");
        r.close();
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedWithoutFailingTheRequest() throws IOException {
        // The server answers without saying so, then closes the connection (a keep-alive timeout).
        Script server = server((conn, req) -> ok("fine") + CLOSE);
        Http1Upstream upstream = upstream(Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            UpstreamResponse r = upstream.send(server.endpoint(), "/", new byte[0], Map.of());
            assertThat(text(r.body())).isEqualTo("fine");
            r.close();
        }
        assertThat(server.requests).hasSize(3);
        assertThat(upstream.connectionsOpened()).isEqualTo(3);
    }

    @Test
    void aNewConnectionClosedWithoutAnAnswerFailsAtOnce() {
        Script server = server((conn, req) -> CLOSE);
        Http1Upstream upstream = upstream(Duration.ofSeconds(5));
        assertThatThrownBy(() -> upstream.send(server.endpoint(), "/", new byte[0], Map.of()))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("without answering");
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void aTimeoutIsReportedAsOneAndNotRetriedOnTheSameEndpoint() throws IOException {
        Script server = server((conn, req) -> req == 0 ? ok("first") : SILENCE);
        Http1Upstream upstream = upstream(Duration.ofMillis(200));
        UpstreamResponse first = upstream.send(server.endpoint(), "/", new byte[0], Map.of());
        text(first.body());
        first.close();
        assertThatThrownBy(() -> upstream.send(server.endpoint(), "/", new byte[0], Map.of()))
                .hasRootCauseInstanceOf(SocketTimeoutException.class);
        assertThat(server.requests).hasSize(2);
    }

    @Test
    void connectionCloseNoContentAndInterimAnswersAreHonoured() throws IOException {
        Script server = server((conn, req) -> switch (req) {
            case 0 -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n";
            case 1 -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
            default -> ok("x");
        });
        Http1Upstream upstream = upstream(Duration.ofSeconds(5));
        UpstreamResponse noContent = upstream.send(server.endpoint(), "/", new byte[0], Map.of());
        assertThat(noContent.status()).isEqualTo(204);
        assertThat(noContent.body().read()).isEqualTo(-1);
        noContent.close();
        UpstreamResponse closing = upstream.send(server.endpoint(), "/", new byte[0], Map.of());
        assertThat(text(closing.body())).isEqualTo("ok");
        closing.close();
        assertThat(upstream.idleConnections()).isZero();
        assertThat(upstream.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void headersOfOneNameAreGroupedInTheOrderTheyCame() throws IOException {
        Script server = server((conn, req) -> "HTTP/1.1 200 OK\r\nSet-Cookie: a\r\nX-B: 1\r\nset-cookie: b\r\n"
                + "Content-Length: 0\r\n\r\n");
        UpstreamResponse r = upstream(Duration.ofSeconds(5)).send(server.endpoint(), "/", new byte[0], Map.of());
        Map<String, List<String>> seen = new LinkedHashMap<>();
        r.forEachHeader(seen::put);
        assertThat(seen).containsExactly(Map.entry("Set-Cookie", List.of("a", "b")), Map.entry("X-B", List.of("1")),
                Map.entry("Content-Length", List.of("0")));
        r.close();
    }

    @Test
    void malformedOrOversizedHeadsAreClearErrors() {
        Http1Upstream upstream = upstream(Duration.ofSeconds(5));
        Script garbage = server((conn, req) -> "SSH-2.0-OpenSSH\r\n\r\n");
        assertThatThrownBy(() -> upstream.send(garbage.endpoint(), "/", new byte[0], Map.of()))
                .hasMessageContaining("malformed status line: SSH-2.0-OpenSSH");
        Script huge = server((conn, req) -> "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n");
        assertThatThrownBy(() -> upstream.send(huge.endpoint(), "/", new byte[0], Map.of()))
                .hasMessageContaining("longer than 65536 bytes");
        Script twoLengths = server((conn, req) -> "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
        assertThatThrownBy(() -> upstream.send(twoLengths.endpoint(), "/", new byte[0], Map.of()))
                .hasMessageContaining("two content lengths");
    }

    @Test
    void aLineBreakInAHeaderIsRefusedNotSent() {
        Script server = server((conn, req) -> ok("x"));
        assertThatThrownBy(() -> upstream(Duration.ofSeconds(5)).send(server.endpoint(), "/", new byte[0],
                Map.of("X-A", List.of("1\r\nX-Injected: 2")))).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requests).isEmpty();
    }

    @Test
    void idleConnectionsPastTheIdleTimeoutAreNotReused() throws Exception {
        Script server = server((conn, req) -> ok("x"));
        // A 1 ns idle timeout: any connection handed back has been idle longer by the next request (a whole
        // exchange with the server lies between), so no time has to be waited for.
        Http1Upstream upstream = track(new Http1Upstream(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofNanos(1), 16));
        UpstreamResponse r = upstream.send(server.endpoint(), "/", new byte[0], Map.of());
        text(r.body());
        r.close();
        UpstreamResponse again = upstream.send(server.endpoint(), "/", new byte[0], Map.of());
        text(again.body());
        again.close();
        assertThat(upstream.connectionsOpened()).isEqualTo(2);
    }

    @Test
    void aBodyLeftUnreadClosesItsConnectionInsteadOfPoolingIt() throws IOException {
        Script server = server((conn, req) -> ok("unread"));
        Http1Upstream upstream = upstream(Duration.ofSeconds(5));
        upstream.send(server.endpoint(), "/", new byte[0], Map.of()).close();
        assertThat(upstream.idleConnections()).isZero();
        UpstreamResponse r = upstream.send(server.endpoint(), "/", new byte[0], Map.of());
        assertThat(text(r.body())).isEqualTo("unread");
        r.close();
        assertThat(upstream.connectionsOpened()).isEqualTo(2);
    }

    // ---- a server that writes what each test scripts ----

    /** Written after a response: close the connection. */
    private static final String CLOSE = "\u0000close";
    /** Answer nothing, keep the connection open. */
    private static final String SILENCE = "\u0000silence";

    private interface Responder {
        /** @param request the request's number over the whole server, from 0 */
        String answer(int connection, int request);
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body;
    }

    private static String text(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private Http1Upstream upstream(Duration readTimeout) {
        return track(new Http1Upstream(Duration.ofSeconds(1), readTimeout, Duration.ofSeconds(30), 16));
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    private Script server(Responder responder) {
        try {
            return track(new Script(responder));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Script implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        final Responder responder;

        Script(Responder responder) throws IOException {
            this.responder = responder;
            Thread.ofVirtual().start(this::acceptLoop);
        }

        String hostPort() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        Endpoint endpoint() {
            int port = socket.getLocalPort();
            return new Endpoint(new EndpointRow(ResourceKey.of("ns", "pool"), new EndpointId("ns", "pod", port),
                    "127.0.0.1", port, Map.of(), null, 0), new EndpointLoad());
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket s = socket.accept();
                    accepted.add(s);
                    int id = connections.getAndIncrement();
                    Thread.ofVirtual().start(() -> serve(s, id));
                }
            } catch (IOException e) {
                // Closed by the test.
            }
        }

        private void serve(Socket s, int id) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (true) {
                    String request = readRequest(in);
                    if (request == null) {
                        return;
                    }
                    int n = requests.size();
                    requests.add(request);
                    String answer = responder.answer(id, n);
                    boolean close = answer.endsWith(CLOSE);
                    if (answer.equals(SILENCE)) {
                        continue;
                    }
                    out.write(answer.replace(CLOSE, "").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (close) {
                        return;
                    }
                }
            } catch (IOException e) {
                // The client went away.
            }
        }

        /** A request head and its Content-Length body, or null at the end of the stream. */
        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (h.endsWith("\r\n\r\n")) {
                    int length = 0;
                    for (String line : h.split("\r\n")) {
                        if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                            length = Integer.parseInt(line.substring(15).strip());
                        }
                    }
                    return h + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
