package io.inferrouter.gateway.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body read off an {@link Http1Connection} as it arrives, by its framing. A connection
 * cut before the framing says the body ended (short of its declared length, or without the last
 * chunk) is an {@link EOFException}, after every byte that did arrive has been read: a model server
 * dying mid-stream is never mistaken for the end of its answer.
 */
final class Http1Body extends InputStream {

    private final Http1Connection connection;
    private final Http1Head.Framing framing;
    /** Bytes left: of the declared length, or of the current chunk. */
    private long remaining;
    private boolean firstChunk = true;
    private boolean ended;

    Http1Body(Http1Connection connection, Http1Head head) {
        this.connection = connection;
        this.framing = head.framing();
        this.remaining = head.framing() == Http1Head.Framing.LENGTH ? head.contentLength() : 0;
        this.ended = head.framing() == Http1Head.Framing.NONE
                || head.framing() == Http1Head.Framing.LENGTH && remaining == 0;
    }

    /** True once the body was read to its end as framed (so the connection can carry another request). */
    boolean ended() {
        return ended;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        switch (framing) {
            case LENGTH -> {
                int n = connection.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("model server closed the connection " + remaining
                            + " bytes before the end of the body it declared");
                }
                remaining -= n;
                ended = remaining == 0;
                return n;
            }
            case CHUNKED -> {
                if (remaining == 0 && !nextChunk()) {
                    return -1;
                }
                int n = connection.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("model server closed the connection inside a chunk");
                }
                remaining -= n;
                return n;
            }
            case UNTIL_CLOSE -> {
                int n = connection.read(b, off, len);
                ended = n < 0;
                return n;
            }
            default -> {
                return -1;
            }
        }
    }

    /**
     * Reads the next chunk's size line (after the CR LF ending the previous chunk); at the last
     * chunk, reads the trailers and ends the body.
     *
     * @return false when the body ended
     */
    private boolean nextChunk() throws IOException {
        if (!firstChunk) {
            String end = connection.readFramingLine();
            if (!end.isEmpty()) {
                throw new IOException("model server's chunk is longer than its declared size");
            }
        }
        firstChunk = false;
        long size = chunkSize(connection.readFramingLine());
        if (size == 0) {
            // Trailers, if any, up to the empty line; the gateway does not relay them.
            while (!connection.readFramingLine().isEmpty()) {
                continue;
            }
            ended = true;
            return false;
        }
        remaining = size;
        return true;
    }

    private static long chunkSize(String line) throws IOException {
        int end = line.indexOf(';');
        String hex = (end < 0 ? line : line.substring(0, end)).strip();
        if (hex.isEmpty() || hex.length() > 15) {
            throw new IOException("model server sent an invalid chunk size: '" + shorten(line) + "'");
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new IOException("model server sent an invalid chunk size: '" + shorten(line) + "'");
            }
            size = size * 16 + d;
        }
        return size;
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /**
     * Body bytes that can be read without blocking: what is buffered of the current chunk or
     * length. Between chunks, a next chunk's size line already buffered is read here, so that
     * events which arrived together count as waiting.
     */
    @Override
    public int available() throws IOException {
        if (ended) {
            return 0;
        }
        int buffered = connection.buffered();
        if (framing == Http1Head.Framing.CHUNKED && remaining == 0) {
            int header = bufferedChunkHeader();
            if (header <= 0) {
                return 0;
            }
            long size = chunkSize(bufferedLine(firstChunk ? 0 : 2, header));
            if (size == 0) {
                return 0;
            }
            connection.skip(header);
            firstChunk = false;
            remaining = size;
            buffered = connection.buffered();
        }
        return (int) Math.min(buffered, framing == Http1Head.Framing.UNTIL_CLOSE ? buffered : remaining);
    }

    /**
     * The length of the next chunk's framing (the previous chunk's CR LF, then the size line with
     * its CR LF) when all of it is buffered, else 0.
     */
    private int bufferedChunkHeader() {
        int buffered = connection.buffered();
        int i = 0;
        if (!firstChunk) {
            if (buffered < 2 || connection.peek(0) != '\r' || connection.peek(1) != '\n') {
                return 0;
            }
            i = 2;
        }
        for (; i < buffered; i++) {
            if (connection.peek(i) == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private String bufferedLine(int from, int headerLength) {
        StringBuilder sb = new StringBuilder(headerLength - from);
        for (int i = from; i < headerLength; i++) {
            byte b = connection.peek(i);
            if (b != '\r' && b != '\n') {
                sb.append((char) (b & 0xff));
            }
        }
        return sb.toString();
    }
}
