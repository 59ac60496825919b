package io.inferrouter.schemas.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few CBOR (RFC 8949) items vLLM's block hash input needs, written in canonical form as
 * {@code cbor2.dumps(value, canonical=True)} writes them: integers, byte strings, text strings and
 * arrays with the shortest head, and null. Maps and floats are not needed, so not written.
 * Reusable: {@link #reset()} between values.
 */
final class CanonicalCbor {

    private byte[] buf = new byte[256];
    private int size;

    void reset() {
        size = 0;
    }

    byte[] buffer() {
        return buf;
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** A CBOR integer: major type 0 for {@code v >= 0}, 1 (encoding {@code -1 - v}) below. */
    CanonicalCbor integer(long v) {
        if (v >= 0) {
            head(0, v);
        } else {
            head(1, -1 - v);
        }
        return this;
    }

    CanonicalCbor bytes(byte[] b) {
        head(2, b.length);
        write(b, b.length);
        return this;
    }

    CanonicalCbor text(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        head(3, utf8.length);
        write(utf8, utf8.length);
        return this;
    }

    CanonicalCbor array(int length) {
        head(4, length);
        return this;
    }

    CanonicalCbor nil() {
        ensure(1);
        buf[size++] = (byte) 0xf6;
        return this;
    }

    /** The shortest head for {@code value} (unsigned): inline below 24, else 1, 2, 4 or 8 bytes. */
    private void head(int major, long value) {
        ensure(9);
        int m = major << 5;
        if (value >= 0 && value < 24) {
            buf[size++] = (byte) (m | (int) value);
        } else if (value >= 0 && value <= 0xFF) {
            buf[size++] = (byte) (m | 24);
            buf[size++] = (byte) value;
        } else if (value >= 0 && value <= 0xFFFF) {
            buf[size++] = (byte) (m | 25);
            putBigEndian(value, 2);
        } else if (value >= 0 && value <= 0xFFFF_FFFFL) {
            buf[size++] = (byte) (m | 26);
            putBigEndian(value, 4);
        } else {
            buf[size++] = (byte) (m | 27);
            putBigEndian(value, 8);
        }
    }

    private void putBigEndian(long value, int n) {
        for (int i = n - 1; i >= 0; i--) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
    }

    private void write(byte[] b, int n) {
        ensure(n);
        System.arraycopy(b, 0, buf, size, n);
        size += n;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
