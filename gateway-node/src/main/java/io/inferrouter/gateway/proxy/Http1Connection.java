package io.inferrouter.gateway.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One keep-alive HTTP/1.1 connection to a model server: a blocking socket (a virtual thread parks
 * on it) with a read buffer. It writes a request head and body and reads a response head; the body
 * is read through {@link Http1Body}. Used by one request at a time; the pool hands it from one to
 * the next.
 */
final class Http1Connection {

    /** The longest response head accepted (status line and headers). */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int BUFFER_BYTES = 16 * 1024;
    /** Request bodies up to this size are written with their head in one write (one packet, one syscall). */
    private static final int COALESCE_BYTES = 32 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private int limit;
    private byte[] line = new byte[256];
    private boolean closed;
    /** Bytes read since the current request was written: none means the server never answered it. */
    private long readSinceWrite;
    long idleSinceNanos;

    private Http1Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static Http1Connection open(InetSocketAddress address, int connectTimeoutMs, int readTimeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(address, connectTimeoutMs);
            s.setSoTimeout(readTimeoutMs);
            return new Http1Connection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** True when nothing of a response has arrived since the last {@link #write}. */
    boolean nothingRead() {
        return readSinceWrite == 0;
    }

    void write(byte[] head, byte[] body) throws IOException {
        readSinceWrite = 0;
        if (body.length <= COALESCE_BYTES) {
            byte[] both = new byte[head.length + body.length];
            System.arraycopy(head, 0, both, 0, head.length);
            System.arraycopy(body, 0, both, head.length, body.length);
            out.write(both);
        } else {
            out.write(head);
            out.write(body);
        }
        out.flush();
    }

    /** Marks the exchange done and the connection ready for the next request. */
    void recycled(long nowNanos) {
        idleSinceNanos = nowNanos;
    }

    /**
     * Reads a response head, skipping interim (1xx) ones.
     *
     * @throws EOFException when the server closed the connection before a whole head
     * @throws IOException  on a malformed head, one longer than {@link #MAX_HEAD_BYTES}, or a read failure
     */
    Http1Head readHead() throws IOException {
        while (true) {
            int budget = MAX_HEAD_BYTES;
            String status = readLine(budget, HEAD_START);
            budget -= status.length() + 2;
            Http1Head head = Http1Head.statusLine(status);
            List<String> names = new ArrayList<>(8);
            List<String> values = new ArrayList<>(8);
            while (true) {
                String h = readLine(budget, IN_HEAD);
                budget -= h.length() + 2;
                if (h.isEmpty()) {
                    break;
                }
                int colon = h.indexOf(':');
                if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t' || isSpace(h.charAt(colon - 1))) {
                    throw new IOException("model server sent a malformed header line: "
                            + (h.length() > 80 ? h.substring(0, 80) + "..." : h));
                }
                names.add(h.substring(0, colon));
                values.add(h.substring(colon + 1).strip());
            }
            if (head.status() == 101) {
                throw new IOException("model server switched protocols (101), which the gateway does not relay");
            }
            if (head.status() >= 100 && head.status() < 200) {
                continue;
            }
            return head.withHeaders(names, values);
        }
    }

    private static final int HEAD_START = 0;
    private static final int IN_HEAD = 1;
    private static final int IN_FRAMING = 2;

    /**
     * Reads one line ending in LF (a CR before it dropped), as ISO-8859-1.
     *
     * @param where {@link #HEAD_START}, {@link #IN_HEAD} or {@link #IN_FRAMING}: what the end of the
     *              stream there is called in the {@link EOFException}
     */
    private String readLine(int budget, int where) throws IOException {
        int n = 0;
        while (true) {
            if (pos == limit && fill() < 0) {
                throw new EOFException(where == HEAD_START && n == 0
                        ? "model server closed the connection without answering"
                        : where == IN_FRAMING ? "model server closed the connection inside a chunked body"
                        : "model server closed the connection inside the response head");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                break;
            }
            if (n >= budget) {
                throw new IOException(where == IN_FRAMING
                        ? "model server sent a chunk-size or trailer line longer than " + MAX_HEAD_BYTES + " bytes"
                        : "model server's response head is longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (n == line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_HEAD_BYTES, line.length * 2) + 1);
            }
            line[n++] = b;
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** Reads what the socket has into the empty buffer; -1 at the end of the stream. */
    private int fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n > 0) {
            pos = 0;
            limit = n;
            readSinceWrite += n;
        }
        return n;
    }

    /** Bytes already buffered: a read of up to this many does not block. */
    int buffered() {
        return limit - pos;
    }

    /** The buffered byte at {@code offset} from the read position (offset < {@link #buffered()}). */
    byte peek(int offset) {
        return buf[pos + offset];
    }

    void skip(int count) {
        pos += count;
    }

    /** One byte, or -1 at the end of the stream. */
    int readByte() throws IOException {
        if (pos == limit && fill() < 0) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /**
     * Up to {@code len} bytes, at least one unless the stream ended (-1). Large reads into an empty
     * buffer go straight into the caller's array.
     */
    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == limit) {
            if (len >= buf.length) {
                int n = in.read(b, off, len);
                if (n > 0) {
                    readSinceWrite += n;
                }
                return n;
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** A line of a chunked body's framing (chunk size, trailer), without its CR LF. */
    String readFramingLine() throws IOException {
        return readLine(MAX_HEAD_BYTES, IN_FRAMING);
    }

    boolean isClosed() {
        return closed;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket that is already broken: nothing left to release.
        }
    }
}
