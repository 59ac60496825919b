package io.inferrouter.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyPartsTest {

    @Test
    void clientsCannotChooseTheBackendOrSendHopByHopHeaders() {
        assertThat(HeaderPolicy.forwardUpstream("x-gateway-destination-endpoint")).isFalse();
        assertThat(HeaderPolicy.forwardUpstream("X-Gateway-Inference-Objective")).isFalse();
        assertThat(HeaderPolicy.forwardUpstream("x-gateway-inference-fairness-id")).isFalse();
        assertThat(HeaderPolicy.forwardUpstream("Connection")).isFalse();
        assertThat(HeaderPolicy.forwardUpstream("Host")).isFalse();
        assertThat(HeaderPolicy.forwardUpstream("Content-Length")).isFalse();
        assertThat(HeaderPolicy.forwardUpstream("Authorization")).isTrue();
        assertThat(HeaderPolicy.forwardUpstream("Content-Type")).isTrue();
        assertThat(HeaderPolicy.forwardDownstream("Transfer-Encoding")).isFalse();
        assertThat(HeaderPolicy.forwardDownstream("Content-Type")).isTrue();
    }

    @Test
    void theModelFieldIsReplacedWithAndWithoutSpaces() {
        assertThat(JsonFields.replaceString("{\"id\":\"x\",\"model\":\"v2\",\"o\":1}", "model", "chat"))
                .isEqualTo("{\"id\":\"x\",\"model\":\"chat\",\"o\":1}");
        assertThat(JsonFields.replaceString("{\"model\": \"a\\\"b\", \"x\": 1}", "model", "c\"d"))
                .isEqualTo("{\"model\": \"c\\\"d\", \"x\": 1}");
        assertThat(JsonFields.replaceString("{\"x\":1}", "model", "c")).isEqualTo("{\"x\":1}");
        assertThat(JsonFields.replaceString("{\"model\":7}", "model", "c")).isEqualTo("{\"model\":7}");
    }

    @Test
    void eventsAreRelayedWithTheClientsModelAndCounted() throws IOException {
        String upstream = "data: {\"model\":\"v2\",\"choices\":[{\"text\":\"a\"}]}\n\n"
                + "data: {\"model\":\"v2\",\"choices\":[{\"text\":\"b\"}]}\n\n"
                + "data: {\"model\":\"v2\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}\n\n"
                + "data: [DONE]\n\n";
        CountingOut out = new CountingOut();
        ResponseRelay relay = new ResponseRelay("chat", "v2");
        relay.relayEvents(new ByteArrayInputStream(upstream.getBytes(StandardCharsets.UTF_8)), out);
        String sent = out.toString(StandardCharsets.UTF_8);
        assertThat(sent).doesNotContain("\"v2\"").contains("\"model\":\"chat\"").endsWith("data: [DONE]\n\n");
        // All four events arrived in one read: one flush for them, one at the end.
        assertThat(out.flushes).isEqualTo(2);
        assertThat(relay.usage()).isEqualTo(new Usage(7, 2));
        assertThat(relay.firstByteNanos()).isPositive();
    }

    @Test
    void eachReadThatCompletesAnEventIsFlushedBeforeTheNextReadButNotHalfEvents() throws IOException {
        List<String> reads = List.of("data: {\"choices\":[{\"text\":\"a\"}]}\n\n",
                "data: {\"choices\":[{\"te", "xt\":\"b\"}]}\n", "\n", "data: [DONE]\n\ndata: x\n\n");
        CountingOut out = new CountingOut();
        List<Integer> flushesBeforeRead = new ArrayList<>();
        InputStream oneReadAtATime = new InputStream() {
            private int at;

            @Override
            public int read() {
                // The relay reads in blocks; a byte-wise read would not show which read completed an event.
                throw new UnsupportedOperationException("the relay must read blocks");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                flushesBeforeRead.add(out.flushes);
                if (at == reads.size()) {
                    return -1;
                }
                byte[] chunk = reads.get(at++).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(chunk, 0, b, off, chunk.length);
                return chunk.length;
            }
        };
        ResponseRelay relay = new ResponseRelay("m", "m");
        relay.relayEvents(oneReadAtATime, out);
        // Flushed after reads 1, 4 and 5 (each ended an event); not after the half event of reads 2 and 3.
        assertThat(flushesBeforeRead).containsExactly(0, 1, 1, 1, 2, 3);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(String.join("", reads));
        assertThat(relay.usage()).isEqualTo(new Usage(null, 2));
    }

    @Test
    void withoutUsageStreamedChunksCountAsTokens() throws IOException {
        String upstream = "data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"choices\":[{\"text\":\"b\"}]}\n\ndata: [DONE]\n\n";
        ResponseRelay relay = new ResponseRelay("m", "m");
        relay.relayEvents(new ByteArrayInputStream(upstream.getBytes(StandardCharsets.UTF_8)), new CountingOut());
        assertThat(relay.usage()).isEqualTo(new Usage(null, 2));
    }

    @Test
    void aStreamThatBreaksIsReportedAfterWhatArrived() {
        InputStream broken = new InputStream() {
            private final byte[] first = "data: {\"choices\":[{}]}\n\n".getBytes(StandardCharsets.UTF_8);
            private int at;

            @Override
            public int read() throws IOException {
                if (at < first.length) {
                    return first[at++];
                }
                throw new IOException("connection reset");
            }
        };
        CountingOut out = new CountingOut();
        assertThatThrownBy(() -> new ResponseRelay("m", "m").relayEvents(broken, out))
                .isInstanceOf(UpstreamBrokenException.class).hasMessageContaining("connection reset");
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("data: {\"choices\"");
    }

    @Test
    void aLineCutShortIsNotRelayedSoTheErrorEventAfterItStaysWhole() {
        InputStream cut = new InputStream() {
            private final byte[] sent = "data: {\"choices\":[{}]}\n\ndata: {\"choi".getBytes(StandardCharsets.UTF_8);
            private int at;

            @Override
            public int read() throws IOException {
                if (at < sent.length) {
                    return sent[at++];
                }
                throw new IOException("connection reset");
            }
        };
        CountingOut out = new CountingOut();
        assertThatThrownBy(() -> new ResponseRelay("m", "m").relayEvents(cut, out))
                .isInstanceOf(UpstreamBrokenException.class);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("data: {\"choices\":[{}]}\n\n");
    }

    @Test
    void aCutBetweenAnEventsLinesIsSeenSoTheErrorEventCanEndItFirst() {
        ResponseRelay cutInEvent = new ResponseRelay("m", "m");
        assertThatThrownBy(() -> cutInEvent.relayEvents(cutAfter("data: {\"a\":1}\n\ndata: {\"b\":2}\n"),
                new CountingOut())).isInstanceOf(UpstreamBrokenException.class);
        assertThat(cutInEvent.midEvent()).isTrue();
        ResponseRelay cutBetween = new ResponseRelay("m", "m");
        assertThatThrownBy(() -> cutBetween.relayEvents(cutAfter("data: {}\n\n"), new CountingOut()))
                .isInstanceOf(UpstreamBrokenException.class);
        assertThat(cutBetween.midEvent()).isFalse();
    }

    /** {@code sent}, then a connection reset as Helidon's client reports it. */
    private static InputStream cutAfter(String sent) {
        return new ByteArrayInputStream(sent.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                if (n < 0) {
                    throw new UncheckedIOException(new IOException("connection reset"));
                }
                return n;
            }
        };
    }

    @Test
    void aLineWithoutItsEndIsNotHeldWithoutBound() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        assertThatThrownBy(() -> new ResponseRelay("m", "m").relayEvents(endless, new CountingOut()))
                .isInstanceOf(UpstreamBrokenException.class).hasMessageContaining("longer than");
    }

    @Test
    void theStreamErrorEventIsOneOpenAiShapedEvent() throws IOException {
        String event = new String(ResponseRelay.errorEvent("broke:\nreset"), StandardCharsets.UTF_8);
        assertThat(event).startsWith("data: {").endsWith("}\n\n");
        assertThat(event.strip().lines()).hasSize(1);
        com.fasterxml.jackson.databind.JsonNode error = io.inferrouter.schemas.serde.Json.mapper()
                .readTree(event.substring("data: ".length())).get("error");
        assertThat(error.get("message").asText()).isEqualTo("broke:\nreset");
        assertThat(error.get("type").asText()).isEqualTo("upstream_error");
        assertThat(error.get("code").asText()).isEqualTo("stream_broken");
    }

    @Test
    void wholeBodiesGetTheClientsModelBack() throws IOException {
        ResponseRelay relay = new ResponseRelay("chat", "v2");
        byte[] body = relay.relayBody(new ByteArrayInputStream(
                "{\"model\":\"v2\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5}}".getBytes(StandardCharsets.UTF_8)),
                1024);
        assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"model\":\"chat\"");
        assertThat(relay.usage()).isEqualTo(new Usage(3, 5));
        assertThatThrownBy(() -> new ResponseRelay("a", "a").relayBody(new ByteArrayInputStream(new byte[100]), 10))
                .isInstanceOf(UpstreamBrokenException.class);
    }

    @Test
    void aDeclaredBodyIsReadIntoOneArrayAndOnlyItsModelValueIsReplaced() throws IOException {
        String json = "{ \"id\" : \"x\",\n \"model\" :\t\"v\\u0032\" , \"usage\": {\"completion_tokens\": 4.9,"
                + " \"prompt_tokens\":\"6\"}, \"n\": \"\u00e9\" }";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ResponseRelay relay = new ResponseRelay("c\"1", "v2");
        boolean[] endSeen = {false};
        InputStream upstream = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read() {
                int b = super.read();
                endSeen[0] |= b < 0;
                return b;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                endSeen[0] |= n < 0;
                return n;
            }
        };
        byte[] body = relay.relayBody(upstream, bytes.length, 1024);
        assertThat(endSeen[0]).as("read to its end, so the keep-alive connection goes back to the pool").isTrue();
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(json.replace("\"v\\u0032\"", "\"c\\\"1\""));
        assertThat(relay.usage()).isEqualTo(new Usage(6, 4));

        byte[] plain = "{\"model\":\"m\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
        ResponseRelay same = new ResponseRelay("m", "m");
        assertThat(same.relayBody(new ByteArrayInputStream(plain), plain.length, 1024)).isEqualTo(plain);
        assertThat(same.usage()).isEqualTo(new Usage(null, 0));
        assertThat(same.relayBody(new ByteArrayInputStream(plain), plain.length + 10, 1024)).isEqualTo(plain);
        assertThatThrownBy(() -> same.relayBody(new ByteArrayInputStream(new byte[100]), 100, 10))
                .isInstanceOf(UpstreamBrokenException.class);
    }

    @Test
    void aWholeBodysFirstByteIsTimedWhenItArrivesNotWhenTheBodyEnds() throws IOException {
        byte[] head = "{\"model\":\"m\",".getBytes(StandardCharsets.UTF_8);
        byte[] rest = "\"usage\":{\"completion_tokens\":5}}".getBytes(StandardCharsets.UTF_8);
        long[] restArrivedAt = new long[1];
        InputStream slowBody = new InputStream() {
            private int reads;

            @Override
            public int read() {
                throw new UnsupportedOperationException("the relay reads in chunks, never a byte at a time");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                byte[] chunk = switch (reads++) {
                    case 0 -> head;
                    case 1 -> rest;
                    default -> null;
                };
                if (chunk == null) {
                    return -1;
                }
                if (chunk == rest) {
                    restArrivedAt[0] = System.nanoTime();
                }
                System.arraycopy(chunk, 0, b, off, chunk.length);
                return chunk.length;
            }
        };
        ResponseRelay relay = new ResponseRelay("m", "m");
        relay.relayBody(slowBody, 1024);
        // Taken before the second chunk was read (at the end it would come after restArrivedAt).
        assertThat(relay.firstByteNanos()).isPositive().isLessThanOrEqualTo(restArrivedAt[0]);
        assertThat(relay.usage()).isEqualTo(new Usage(null, 5));
    }

    private static final class CountingOut extends ByteArrayOutputStream {
        int flushes;

        @Override
        public void flush() {
            flushes++;
        }
    }
}
