package io.inferrouter.sim.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.schemas.tokens.SimTokenizer;
import io.inferrouter.sim.engine.EngineRunner;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.engine.SimRequest;
import io.inferrouter.sim.engine.TokenSink;
import io.inferrouter.sim.engine.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What vLLM's OpenAI server answers: {@code /v1/completions} and {@code /v1/chat/completions},
 * streamed (SSE, {@code data: [DONE]}, optional usage chunk) or not, plus {@code /v1/models}. The
 * answer always has exactly {@code max_tokens} tokens (like {@code ignore_eos}), capped by the
 * model length. Tokens are streamed as the engine produces them. Bad input is a 400 in OpenAI's
 * error shape, as vLLM's request validation gives: no {@code model}, no {@code messages} or
 * {@code prompt}, or a {@code max_tokens} that is not an integer of at least 1 (absent or null, it
 * is 16, the completions API's default).
 */
public final class CompletionService implements HttpService {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_MAX_TOKENS = 16;

    private final SimConfig cfg;
    private final EngineRunner runner;
    private final Faults faults;

    public CompletionService(SimConfig cfg, EngineRunner runner, Faults faults) {
        this.cfg = cfg;
        this.runner = runner;
        this.faults = faults;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/completions", (req, res) -> complete(req, res, false))
                .post("/v1/chat/completions", (req, res) -> complete(req, res, true))
                .get("/v1/models", this::models);
    }

    private void models(ServerRequest req, ServerResponse res) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        data.addObject().put("id", cfg.model()).put("object", "model").put("created", 0).put("owned_by", "vllm")
                .put("root", cfg.model()).put("max_model_len", cfg.maxModelLen());
        for (String a : cfg.adapters()) {
            data.addObject().put("id", a).put("object", "model").put("created", 0).put("owned_by", "vllm")
                    .put("root", a).put("parent", cfg.model());
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(root.toString());
    }

    private void complete(ServerRequest req, ServerResponse res, boolean chat) throws IOException {
        long arrival = System.nanoTime();
        JsonNode body;
        try (InputStream in = req.content().inputStream()) {
            body = JSON.readTree(in);
        } catch (IOException e) {
            OpenAiErrors.badRequest(res, "request body is not valid JSON: " + e.getMessage());
            return;
        }
        if (faults.rejectStatus() != 0) {
            OpenAiErrors.send(res, faults.rejectStatus(), "rejected by a fault drill");
            return;
        }
        if (body == null || !body.isObject() || !body.path("model").isTextual()) {
            OpenAiErrors.badRequest(res, "'model' is required");
            return;
        }
        String model = body.get("model").asText();
        String lora = null;
        if (!model.equals(cfg.model())) {
            if (!cfg.adapters().contains(model)) {
                OpenAiErrors.send(res, 404, "NotFoundError", "The model `" + model + "` does not exist.");
                return;
            }
            lora = model;
        }
        // The same text the gateway tokenizes for the simulated fleet: one definition, in schemas.
        String prompt = chat ? SimTokenizer.chatPrompt(body) : SimTokenizer.completionPrompt(body);
        if (prompt == null) {
            OpenAiErrors.badRequest(res, chat ? "'messages' must be a non-empty array" : "'prompt' is required");
            return;
        }
        int maxTokens;
        try {
            maxTokens = maxTokens(body);
        } catch (IllegalArgumentException e) {
            OpenAiErrors.badRequest(res, e.getMessage());
            return;
        }
        if (maxTokens < 1) {
            OpenAiErrors.badRequest(res, "max_tokens must be at least 1, got " + maxTokens);
            return;
        }
        boolean stream = body.path("stream").asBoolean(false);
        boolean usageInStream = body.path("stream_options").path("include_usage").asBoolean(false);
        // The API server's own work (parsing, tokenizing) before the engine sees the request.
        LockSupport.parkNanos((long) (cfg.frontendMs() * 1e6 * cfg.timeScale()));
        QueueSink sink = new QueueSink();
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try {
            runner.submit(new SimRequest(id, Tokenizer.encode(prompt), maxTokens, lora, runner.engine().hasher(),
                    cfg.blockSize(), sink, arrival));
        } catch (IllegalArgumentException e) {
            OpenAiErrors.badRequest(res, e.getMessage());
            return;
        }
        if (stream) {
            stream(res, sink, id, model, chat, usageInStream);
        } else {
            whole(res, sink, id, model, chat);
        }
    }

    private void whole(ServerResponse res, QueueSink sink, String id, String model, boolean chat) {
        StringBuilder text = new StringBuilder();
        QueueSink.Event e;
        while ((e = sink.take()) != null && e.kind() == QueueSink.Kind.TOKEN) {
            text.append(e.text());
        }
        if (e == null || e.kind() == QueueSink.Kind.FAILED) {
            OpenAiErrors.send(res, 500, "InternalServerError", e == null ? "engine stopped" : e.text());
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", chat ? "chat.completion" : "text_completion");
        root.put("created", System.currentTimeMillis() / 1000);
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            choice.putObject("message").put("role", "assistant").put("content", text.toString());
        } else {
            choice.put("text", text.toString());
        }
        choice.put("finish_reason", "length");
        usage(root, e);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(root.toString());
    }

    private void stream(ServerResponse res, QueueSink sink, String id, String model, boolean chat, boolean usage)
            throws IOException {
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        int cutAfter = faults.dropAfterTokens();
        // Not try-with-resources: the drop drill abandons the stream unclosed. Helidon, unable to send an
        // error once the response has started, closes the connection, so the client reads a truncated
        // chunked body (an IOException), as from a pod that dies mid-stream.
        OutputStream out = res.outputStream();
        int sent = 0;
        QueueSink.Event e;
        while ((e = sink.take()) != null && e.kind() == QueueSink.Kind.TOKEN) {
            ObjectNode chunk = chunk(id, model, chat);
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0);
            if (chat) {
                ObjectNode delta = choice.putObject("delta");
                if (sent == 0) {
                    delta.put("role", "assistant");
                }
                delta.put("content", e.text());
            } else {
                choice.put("text", e.text());
            }
            choice.putNull("finish_reason");
            write(out, chunk);
            sent++;
            if (cutAfter > 0 && sent >= cutAfter) {
                // The drill: the server dies mid-stream. Abandon the response without its end.
                throw new DroppedConnection();
            }
        }
        if (e == null || e.kind() == QueueSink.Kind.FAILED) {
            ObjectNode err = JSON.createObjectNode();
            err.putObject("error").put("message", e == null ? "engine stopped" : e.text())
                    .put("type", "InternalServerError").put("code", 500);
            write(out, err);
        } else {
            ObjectNode end = chunk(id, model, chat);
            ObjectNode choice = end.putArray("choices").addObject();
            choice.put("index", 0);
            if (chat) {
                choice.putObject("delta");
            } else {
                choice.put("text", "");
            }
            choice.put("finish_reason", "length");
            write(out, end);
            if (usage) {
                ObjectNode u = chunk(id, model, chat);
                u.putArray("choices");
                usage(u, e);
                write(out, u);
            }
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    private static ObjectNode chunk(String id, String model, boolean chat) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", id);
        c.put("object", chat ? "chat.completion.chunk" : "text_completion");
        c.put("created", System.currentTimeMillis() / 1000);
        c.put("model", model);
        return c;
    }

    private static void usage(ObjectNode root, QueueSink.Event done) {
        ObjectNode u = root.putObject("usage");
        u.put("prompt_tokens", done.promptTokens());
        u.put("completion_tokens", done.outputTokens());
        u.put("total_tokens", done.promptTokens() + done.outputTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", done.cachedTokens());
    }

    private static void write(OutputStream out, JsonNode node) throws IOException {
        out.write(("data: " + node.toString() + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * {@code max_tokens} (or {@code max_completion_tokens}); 16 when neither is given or both are null.
     * Like vLLM's request validation, anything but an integer is refused rather than defaulted.
     *
     * @throws IllegalArgumentException when the field is there but not an integer
     */
    static int maxTokens(JsonNode body) {
        for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
            JsonNode v = body.get(field);
            if (v == null || v.isNull()) {
                continue;
            }
            boolean integral = v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            if (!integral || !v.canConvertToInt()) {
                throw new IllegalArgumentException("'" + field + "' must be an integer, got " + v);
            }
            return v.asInt();
        }
        return DEFAULT_MAX_TOKENS;
    }

    /** Thrown to abandon a streamed response half-way (a fault drill). */
    static final class DroppedConnection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedConnection() {
            super("connection dropped by a fault drill", null, false, false);
        }
    }

    /** Hands engine events to the request's HTTP thread. */
    static final class QueueSink implements TokenSink {
        enum Kind { TOKEN, DONE, FAILED }

        record Event(Kind kind, String text, int promptTokens, int cachedTokens, int outputTokens) {
        }

        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

        @Override
        public void token(int index, String text) {
            events.add(new Event(Kind.TOKEN, text, 0, 0, 0));
        }

        @Override
        public void finished(int promptTokens, int cachedTokens, int outputTokens) {
            events.add(new Event(Kind.DONE, null, promptTokens, cachedTokens, outputTokens));
        }

        @Override
        public void failed(String reason) {
            events.add(new Event(Kind.FAILED, reason, 0, 0, 0));
        }

        /** The next event; null when none came for ten minutes (the engine is gone). */
        Event take() {
            try {
                return events.poll(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
