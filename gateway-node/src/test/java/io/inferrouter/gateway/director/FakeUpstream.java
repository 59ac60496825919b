package io.inferrouter.gateway.director;

import io.inferrouter.gateway.proxy.Upstream;
import io.inferrouter.gateway.proxy.UpstreamResponse;
import io.inferrouter.gateway.tables.Endpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Model servers without a network: each endpoint (by {@code host:port}) answers as told, and every
 * attempt is recorded with the headers it carried. An endpoint told nothing refuses the connection.
 */
final class FakeUpstream implements Upstream {

    /** One attempt the proxy made. */
    record Sent(String endpoint, String path, String body, Map<String, List<String>> headers) {
    }

    /** How an endpoint answers. */
    record Answer(int status, String contentType, String body, boolean breaksAfterBody) {

        static Answer json(String body) {
            return new Answer(200, "application/json", body, false);
        }

        static Answer status(int status) {
            return new Answer(status, "application/json", "{\"error\":{\"message\":\"overloaded\"}}", false);
        }

        static Answer events(String... events) {
            return new Answer(200, "text/event-stream", String.join("", events), false);
        }

        /** The events, then the connection is cut (a pod dying mid-stream). */
        static Answer eventsThenCut(String... events) {
            return new Answer(200, "text/event-stream", String.join("", events), true);
        }
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    void answer(Endpoint endpoint, Answer answer) {
        answers.put(endpoint.hostPort(), answer);
    }

    List<Sent> sent() {
        return sent;
    }

    @Override
    public UpstreamResponse send(Endpoint endpoint, String path, byte[] body, Map<String, List<String>> headers) {
        sent.add(new Sent(endpoint.hostPort(), path, new String(body, StandardCharsets.UTF_8), headers));
        Answer answer = answers.get(endpoint.hostPort());
        if (answer == null) {
            throw new UncheckedIOException(new ConnectException("Connection refused: " + endpoint.hostPort()));
        }
        return new Response(answer);
    }

    private static final class Response implements UpstreamResponse {
        private final Answer answer;
        private final InputStream body;

        Response(Answer answer) {
            this.answer = answer;
            InputStream bytes = new ByteArrayInputStream(answer.body().getBytes(StandardCharsets.UTF_8));
            this.body = answer.breaksAfterBody() ? new CutAfter(bytes) : bytes;
        }

        @Override
        public int status() {
            return answer.status();
        }

        @Override
        public String contentType() {
            return answer.contentType();
        }

        @Override
        public void forEachHeader(BiConsumer<String, List<String>> action) {
            action.accept("Content-Type", List.of(answer.contentType()));
            action.accept("Transfer-Encoding", List.of("chunked"));
            action.accept("x-gateway-destination-endpoint", List.of("10.9.9.9:1"));
            action.accept("x-served-by", List.of(answer.status() + ""));
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public void close() {
        }
    }

    /** Gives its bytes, then fails the read that would have found the end. */
    private static final class CutAfter extends InputStream {
        private final InputStream in;

        CutAfter(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new IOException("Connection reset");
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n < 0) {
                throw new IOException("Connection reset");
            }
            return n;
        }
    }
}
