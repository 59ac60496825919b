package io.inferrouter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.support.ErrorBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a model server's response body to the client: server-sent events line by line, flushed
 * at the end of every event (never buffered whole), other bodies at once. On the way it puts the
 * client's model name back where the server wrote the target's, and counts tokens.
 */
public final class ResponseRelay {

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_SPACE = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final String clientModel;
    private final String upstreamModel;
    private Integer promptTokens;
    private int outputTokens;
    private int chunks;
    private long firstByteNanos;

    /**
     * @param clientModel   the model name the client asked for
     * @param upstreamModel the model name sent to the server; when equal, bodies pass untouched
     */
    public ResponseRelay(String clientModel, String upstreamModel) {
        this.clientModel = clientModel;
        this.upstreamModel = upstreamModel;
    }

    /** When the first byte of the body arrived (System.nanoTime), 0 if none did. */
    public long firstByteNanos() {
        return firstByteNanos;
    }

    public Usage usage() {
        return new Usage(promptTokens, outputTokens > 0 ? outputTokens : chunks);
    }

    /**
     * The server-sent event that tells a client its stream broke, in OpenAI's error shape: the last
     * event of a stream cut after it started, before the response is aborted.
     */
    public static byte[] errorEvent(String message) {
        byte[] json = ErrorBody.json(message, "upstream_error", "stream_broken");
        byte[] event = new byte[DATA_SPACE.length + json.length + 2];
        System.arraycopy(DATA_SPACE, 0, event, 0, DATA_SPACE.length);
        System.arraycopy(json, 0, event, DATA_SPACE.length, json.length);
        event[event.length - 2] = '\n';
        event[event.length - 1] = '\n';
        return event;
    }

    /**
     * Relays an event stream. Returns normally at the end of the upstream body.
     *
     * @throws UpstreamBrokenException when reading the server failed: the client has every whole line
     *                                 that arrived before, none after
     * @throws IOException when writing to the client failed (the client went away)
     */
    public void relayEvents(InputStream upstream, OutputStream client) throws IOException {
        byte[] buf = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        while (true) {
            int n;
            try {
                n = upstream.read(buf);
            } catch (IOException | RuntimeException e) {
                // Helidon reports a connection cut mid-body as an unchecked exception, plain sockets as IOException.
                // A line cut short is not relayed: glued to the error event that follows, it would spoil it.
                throw new UpstreamBrokenException("model server stream broke: " + e.getMessage(), e);
            }
            if (n < 0) {
                break;
            }
            if (firstByteNanos == 0 && n > 0) {
                firstByteNanos = System.nanoTime();
            }
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                line.write(b);
                if (b == '\n') {
                    byte[] done = line.toByteArray();
                    line.reset();
                    client.write(onLine(done));
                    if (done.length <= 2) {
                        // An empty line ends an event: hand it to the client now.
                        client.flush();
                    }
                }
            }
        }
        if (line.size() > 0) {
            client.write(onLine(line.toByteArray()));
        }
        client.flush();
    }

    /**
     * Relays a whole (non-stream) body, rewriting the model and reading usage. The first byte's time
     * is taken when the first bytes arrive, not once the whole body has.
     */
    public byte[] relayBody(InputStream upstream, int maxBytes) throws IOException {
        byte[] body;
        try {
            ByteArrayOutputStream all = new ByteArrayOutputStream(8192);
            byte[] buf = new byte[8192];
            int n;
            while (all.size() <= maxBytes && (n = upstream.read(buf)) >= 0) {
                if (firstByteNanos == 0 && n > 0) {
                    firstByteNanos = System.nanoTime();
                }
                all.write(buf, 0, n);
            }
            body = all.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new UpstreamBrokenException("model server response broke: " + e.getMessage(), e);
        }
        if (body.length > maxBytes) {
            throw new UpstreamBrokenException("model server response is larger than " + maxBytes + " bytes", null);
        }
        try {
            JsonNode json = Json.mapper().readTree(body);
            if (json != null && json.isObject()) {
                readUsage(json.get("usage"));
                if (!clientModel.equals(upstreamModel) && json.has("model")) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("model", clientModel);
                    return Json.mapper().writeValueAsBytes(json);
                }
            }
        } catch (IOException e) {
            // Not JSON (an error page, say): relay as it is.
        }
        return body;
    }

    private byte[] onLine(byte[] raw) {
        if (!startsWith(raw, DATA)) {
            return raw;
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        String payload = text.substring(5).strip();
        if (payload.equals("[DONE]") || payload.isEmpty()) {
            return raw;
        }
        if (payload.contains("\"choices\":[{") || payload.contains("\"choices\": [{")) {
            chunks++;
        }
        if (payload.contains("\"usage\"") && payload.contains("completion_tokens")) {
            try {
                readUsage(Json.mapper().readTree(payload).get("usage"));
            } catch (IOException e) {
                // A chunk we cannot parse is relayed as it is; only its usage is lost.
            }
        }
        if (clientModel.equals(upstreamModel)) {
            return raw;
        }
        return JsonFields.replaceString(text, "model", clientModel).getBytes(StandardCharsets.UTF_8);
    }

    private void readUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        if (usage.has("prompt_tokens")) {
            promptTokens = usage.get("prompt_tokens").asInt();
        }
        if (usage.has("completion_tokens")) {
            outputTokens = usage.get("completion_tokens").asInt();
        }
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        if (a.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
