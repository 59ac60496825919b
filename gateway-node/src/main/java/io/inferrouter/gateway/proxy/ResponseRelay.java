package io.inferrouter.gateway.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.support.ErrorBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Copies a model server's response body to the client: server-sent events line by line, flushed
 * once per upstream read that completed an event (never buffered whole), other bodies at once. On
 * the way it puts the client's model name back where the server wrote the target's, and counts
 * tokens.
 */
public final class ResponseRelay {

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_SPACE = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHOICES = "\"choices\":[{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHOICES_SPACE = "\"choices\": [{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMPLETION_TOKENS = "completion_tokens".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE_KEY = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    /** The longest event line held while waiting for its end; an SSE line of a model server is far shorter. */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final String clientModel;
    private final String upstreamModel;
    private Integer promptTokens;
    private int outputTokens;
    private int chunks;
    private long firstByteNanos;
    // Whether the last line relayed was not the blank line that ends an event: an error event written
    // then must first end that event, or an SSE client would join the two into one.
    private boolean midEvent;

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

    /** True when the relayed lines end inside an event (its blank line has not been relayed yet). */
    public boolean midEvent() {
        return midEvent;
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
     * Relays an event stream. Whole lines are written as they arrive; the client stream is flushed
     * once per upstream read that completed an event, when no more bytes are waiting (so events that
     * arrived together go out in one chunk, and none waits for the next read).
     *
     * @throws UpstreamBrokenException when reading the server failed: the client has every whole line
     *                                 that arrived before, none after
     * @throws IOException when writing to the client failed (the client went away)
     */
    public void relayEvents(InputStream upstream, OutputStream client) throws IOException {
        byte[] buf = new byte[8192];
        // A line begun in an earlier read; empty almost always, so allocated when first needed.
        ByteArrayOutputStream carried = null;
        boolean eventUnflushed = false;
        while (true) {
            int n;
            try {
                n = upstream.read(buf);
            } catch (IOException | RuntimeException e) {
                // An upstream may report a connection cut mid-body as an IOException or as an unchecked exception.
                // A line cut short is not relayed: glued to the error event that follows, it would spoil it.
                throw new UpstreamBrokenException("model server stream broke: " + e.getMessage(), e);
            }
            if (n < 0) {
                break;
            }
            if (firstByteNanos == 0 && n > 0) {
                firstByteNanos = System.nanoTime();
            }
            int lineStart = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                int lineLength;
                if (carried != null && carried.size() > 0) {
                    carried.write(buf, lineStart, i + 1 - lineStart);
                    byte[] line = carried.toByteArray();
                    carried.reset();
                    onLine(line, 0, line.length, client);
                    lineLength = line.length;
                } else {
                    lineLength = i + 1 - lineStart;
                    onLine(buf, lineStart, lineLength, client);
                }
                lineStart = i + 1;
                midEvent = lineLength > 2;
                if (!midEvent) {
                    // An empty line ends an event.
                    eventUnflushed = true;
                }
            }
            if (lineStart < n) {
                if (carried == null) {
                    carried = new ByteArrayOutputStream(512);
                }
                carried.write(buf, lineStart, n - lineStart);
                if (carried.size() > MAX_LINE_BYTES) {
                    throw new UpstreamBrokenException("model server sent a line longer than " + MAX_LINE_BYTES
                            + " bytes without its end", null);
                }
            }
            if (eventUnflushed && nothingWaiting(upstream)) {
                client.flush();
                eventUnflushed = false;
            }
        }
        if (carried != null && carried.size() > 0) {
            byte[] line = carried.toByteArray();
            onLine(line, 0, line.length, client);
        }
        client.flush();
    }

    /** True unless the upstream says more bytes can be read without blocking (then they are read first). */
    private static boolean nothingWaiting(InputStream upstream) {
        try {
            return upstream.available() <= 0;
        } catch (IOException | RuntimeException e) {
            // The next read reports the failure; what arrived goes out now.
            return true;
        }
    }

    /**
     * Relays a whole (non-stream) body, rewriting the model and reading usage. The first byte's time
     * is taken when the first bytes arrive, not once the whole body has.
     */
    public byte[] relayBody(InputStream upstream, int maxBytes) throws IOException {
        return relayBody(upstream, -1, maxBytes);
    }

    /**
     * @param contentLength the body's declared length, or -1: a declared body is read into one array
     *                      of that size
     */
    public byte[] relayBody(InputStream upstream, long contentLength, int maxBytes) throws IOException {
        byte[] body = read(upstream, contentLength, maxBytes);
        if (body.length > maxBytes) {
            throw new UpstreamBrokenException("model server response is larger than " + maxBytes + " bytes", null);
        }
        boolean rewrite = !clientModel.equals(upstreamModel);
        if (!rewrite && indexOf(body, USAGE_KEY) < 0) {
            return body;
        }
        try (JsonParser p = Json.mapper().createParser(body)) {
            return readWhole(p, body, rewrite);
        } catch (IOException e) {
            // Not JSON (an error page, say): relay as it is.
            return body;
        }
    }

    private byte[] read(InputStream upstream, long contentLength, int maxBytes) throws UpstreamBrokenException {
        try {
            boolean declared = contentLength >= 0 && contentLength <= maxBytes;
            byte[] buf = new byte[declared ? (int) contentLength : 8192];
            int size = 0;
            while (true) {
                if (size == buf.length) {
                    if (size > maxBytes) {
                        break;
                    }
                    // A declared body is full, but only a read that finds its end hands the keep-alive
                    // connection back to the pool; a server that sent more is read on as undeclared.
                    int next = declared ? upstream.read() : -2;
                    if (next == -1) {
                        break;
                    }
                    declared = false;
                    long grown = Math.max(8192L, 2L * buf.length);
                    buf = Arrays.copyOf(buf, (int) Math.min((long) maxBytes + 1, grown));
                    if (next >= 0) {
                        buf[size++] = (byte) next;
                        continue;
                    }
                }
                int n = upstream.read(buf, size, buf.length - size);
                if (n < 0) {
                    break;
                }
                if (firstByteNanos == 0 && n > 0) {
                    firstByteNanos = System.nanoTime();
                }
                size += n;
            }
            return size == buf.length ? buf : Arrays.copyOf(buf, size);
        } catch (IOException | RuntimeException e) {
            throw new UpstreamBrokenException("model server response broke: " + e.getMessage(), e);
        }
    }

    /**
     * One streaming pass over a JSON object body: its top-level {@code usage}, and the span of its
     * top-level {@code model} value (the last, as a tree read keeps) which is replaced in place.
     * Anything but one JSON object is relayed as it is, its usage unread.
     */
    private byte[] readWhole(JsonParser p, byte[] body, boolean rewrite) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return body;
        }
        Integer prompt = null;
        Integer output = null;
        int modelStart = -1;
        int modelEnd = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("model")) {
                modelStart = (int) p.currentTokenLocation().getByteOffset();
                if (t == JsonToken.VALUE_STRING) {
                    p.getTextLength();
                } else {
                    p.skipChildren();
                }
                modelEnd = (int) p.currentLocation().getByteOffset();
            } else if (name.equals("usage") && t == JsonToken.START_OBJECT) {
                prompt = null;
                output = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    // As a tree's asInt(): numbers truncated, numeric text parsed, anything else 0.
                    if (field.equals("prompt_tokens")) {
                        prompt = asInt(p);
                    } else if (field.equals("completion_tokens")) {
                        output = asInt(p);
                    }
                    p.skipChildren();
                }
            } else {
                if (name.equals("usage")) {
                    prompt = null;
                    output = null;
                }
                p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            return body;
        }
        if (prompt != null) {
            promptTokens = prompt;
        }
        if (output != null) {
            outputTokens = output;
        }
        if (!rewrite || modelStart < 0) {
            return body;
        }
        byte[] value = JsonFields.quote(clientModel).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length - (modelEnd - modelStart) + value.length];
        System.arraycopy(body, 0, out, 0, modelStart);
        System.arraycopy(value, 0, out, modelStart, value.length);
        System.arraycopy(body, modelEnd, out, modelStart + value.length, body.length - modelEnd);
        return out;
    }

    private static int asInt(JsonParser p) throws IOException {
        return p.currentToken().isNumeric() ? p.getNumberValue().intValue() : p.getValueAsInt();
    }

    private static int indexOf(byte[] a, byte[] key) {
        return indexOf(a, 0, a.length, key);
    }

    private static int indexOf(byte[] a, int from, int to, byte[] key) {
        outer:
        for (int i = from; i <= to - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (a[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Writes one line (with its end): as it came, or with the client's model put back. */
    private void onLine(byte[] a, int off, int len, OutputStream client) throws IOException {
        if (!startsWith(a, off, len, DATA)) {
            client.write(a, off, len);
            return;
        }
        int from = off + DATA.length;
        int to = off + len;
        while (from < to && isSpace(a[from])) {
            from++;
        }
        while (to > from && isSpace(a[to - 1])) {
            to--;
        }
        if (from == to || startsWith(a, from, to - from, DONE) && to - from == DONE.length) {
            client.write(a, off, len);
            return;
        }
        if (indexOf(a, from, to, CHOICES) >= 0 || indexOf(a, from, to, CHOICES_SPACE) >= 0) {
            chunks++;
        }
        if (indexOf(a, from, to, USAGE_KEY) >= 0 && indexOf(a, from, to, COMPLETION_TOKENS) >= 0) {
            try {
                readUsage(Json.mapper().readTree(a, from, to - from).get("usage"));
            } catch (IOException e) {
                // A chunk we cannot parse is relayed as it is; only its usage is lost.
            }
        }
        if (clientModel.equals(upstreamModel)) {
            client.write(a, off, len);
            return;
        }
        String text = new String(a, off, len, StandardCharsets.UTF_8);
        client.write(JsonFields.replaceString(text, "model", clientModel).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0x0b || b == '\f' || (b >= 0x1c && b <= 0x1f);
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

    private static boolean startsWith(byte[] a, int off, int len, byte[] prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
