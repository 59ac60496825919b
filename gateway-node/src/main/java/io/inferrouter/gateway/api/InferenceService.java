package io.inferrouter.gateway.api;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.gateway.director.Director;
import io.inferrouter.gateway.director.Exchange;
import io.inferrouter.gateway.director.InferenceRequest;
import io.inferrouter.gateway.director.RequestHeaders;
import io.inferrouter.gateway.director.StreamEnd;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.schemas.serde.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The OpenAI-compatible API over HTTP: {@code POST /v1/completions}, {@code POST /v1/chat/completions}
 * (streaming or not) and {@code GET /v1/models}. A thin adapter: it hands the request's body and
 * headers to the {@link Director}, writes the status, headers and body it is given, relays the event
 * stream, and aborts a stream that broke ({@link StreamAbortedException}). Refusals are
 * {@link GatewayException}s, rendered by {@link ErrorResponses} where the routing registers it.
 */
public final class InferenceService implements HttpService {

    public static final HeaderName ENDPOINT = HeaderNames.create("x-gateway-endpoint");
    public static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName OBJECTIVE_HEADER = HeaderNames.create(RequestHeaders.OBJECTIVE);
    private static final HeaderName FAIRNESS_ID_HEADER = HeaderNames.create(RequestHeaders.FAIRNESS_ID);
    private static final HeaderName PROFILE_HEADER = HeaderNames.create(RequestHeaders.PROFILE);

    private final Director director;

    public InferenceService(Director director) {
        this.director = director;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/completions", (req, res) -> infer(req, res, InferenceRequest.Kind.COMPLETIONS))
                .post("/v1/chat/completions", (req, res) -> infer(req, res, InferenceRequest.Kind.CHAT))
                .get("/v1/models", this::models);
    }

    private void models(ServerRequest req, ServerResponse res) {
        var root = Json.mapper().createObjectNode();
        root.put("object", "list");
        var data = root.putArray("data");
        director.servedModels().forEach((name, pools) -> {
            var m = data.addObject();
            m.put("id", name);
            m.put("object", "model");
            m.put("created", 0);
            m.put("owned_by", "inference-router");
            var arr = m.putArray("pools");
            pools.forEach(arr::add);
        });
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(root.toString());
    }

    private void infer(ServerRequest req, ServerResponse res, InferenceRequest.Kind kind) {
        Exchange x = director.start(requestId(req), kind, req.path().path(), new ClientHeaders(req.headers()));
        res.header(REQUEST_ID, x.requestId());
        try {
            director.route(x, req.content().inputStream(), req.headers().contentLength().orElse(-1));
            if (x.streamsEvents()) {
                relay(res, x);
            } else {
                byte[] body = director.body(x);
                head(res, x);
                try {
                    res.send(body);
                } catch (UncheckedIOException e) {
                    // The client went away before its answer was written: its doing, not a fault here.
                    director.clientGone(x, e);
                    throw new StreamAbortedException(x.requestId(), StreamEnd.CLIENT_GONE);
                }
            }
        } catch (GatewayException | StreamAbortedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw director.failed(x, e);
        } finally {
            director.complete(x);
        }
    }

    private void relay(ServerResponse res, Exchange x) {
        head(res, x);
        StreamEnd end = director.relayEvents(x, new ClientOutput(res.outputStream()));
        if (end != StreamEnd.COMPLETE) {
            // The output stream stays unclosed, so the chunked body never gets its last chunk.
            throw new StreamAbortedException(x.requestId(), end);
        }
    }

    private static void head(ServerResponse res, Exchange x) {
        res.status(Status.create(x.status()));
        res.header(ENDPOINT, x.servedBy());
        x.forEachResponseHeader((name, values) -> res.header(HeaderValues.create(name, values)));
    }

    private static String requestId(ServerRequest req) {
        return req.headers().first(REQUEST_ID)
                .filter(id -> !id.isBlank() && id.length() <= 128 && id.chars().allMatch(c -> c > 32 && c < 127))
                .orElseGet(RequestIds::next);
    }

    /** Helidon's request headers as the director reads them; the names it asks for often are constants here. */
    private record ClientHeaders(Headers headers) implements RequestHeaders {

        @Override
        public String first(String name) {
            HeaderName header = switch (name) {
                case RequestHeaders.OBJECTIVE -> OBJECTIVE_HEADER;
                case RequestHeaders.FAIRNESS_ID -> FAIRNESS_ID_HEADER;
                case RequestHeaders.PROFILE -> PROFILE_HEADER;
                default -> HeaderNames.create(name);
            };
            return headers.first(header).orElse(null);
        }

        @Override
        public void forEach(BiConsumer<String, List<String>> action) {
            for (Header h : headers) {
                action.accept(h.name(), h.allValues());
            }
        }
    }

    /**
     * The response body as {@link OutputStream} promises it: Helidon reports a connection the client
     * closed with unchecked exceptions too, which become the IOException the director expects.
     */
    private static final class ClientOutput extends OutputStream {
        private final OutputStream out;

        ClientOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (RuntimeException e) {
                throw failure(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (RuntimeException e) {
                throw failure(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (RuntimeException e) {
                throw failure(e);
            }
        }

        private static IOException failure(RuntimeException e) {
            return e instanceof UncheckedIOException u ? u.getCause()
                    : new IOException("writing to the client failed: " + e, e);
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (RuntimeException e) {
                throw failure(e);
            }
        }
    }
}
