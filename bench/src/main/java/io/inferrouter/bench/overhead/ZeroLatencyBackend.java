package io.inferrouter.bench.overhead;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A model server that answers at once: it reads the whole request body, then returns a fixed
 * completion, or a short event stream when the body asks for {@code "stream":true}. What is left of
 * a request's latency through a proxy in front of it is the proxy's own cost.
 */
public final class ZeroLatencyBackend implements AutoCloseable {

    private static final byte[] JSON = ("{\"id\":\"cmpl-0\",\"object\":\"chat.completion\",\"model\":\"bench\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}").getBytes(StandardCharsets.UTF_8);
    private static final byte[][] EVENTS = {
        "data: {\"id\":\"c\",\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"o\"}}]}\n\n".getBytes(StandardCharsets.UTF_8),
        "data: {\"id\":\"c\",\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"k\"}}]}\n\n".getBytes(StandardCharsets.UTF_8),
        "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)};
    private static final byte[] STREAM_FLAG = "\"stream\":true".getBytes(StandardCharsets.UTF_8);

    private final WebServer server;

    public ZeroLatencyBackend(String host) {
        this.server = WebServer.builder().host(host).port(0).connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.post("/v1/chat/completions", ZeroLatencyBackend::answer)
                        .post("/v1/completions", ZeroLatencyBackend::answer))
                .build().start();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }

    private static void answer(ServerRequest req, ServerResponse res) {
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!contains(body, STREAM_FLAG)) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON);
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        try (OutputStream out = res.outputStream()) {
            for (byte[] e : EVENTS) {
                out.write(e);
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean contains(byte[] body, byte[] needle) {
        outer:
        for (int i = 0; i <= body.length - needle.length && i < 256; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
