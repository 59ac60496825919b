package io.inferrouter.schemas.kv;

import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of MessagePack that vLLM's events use, written with the smallest format for each value
 * as msgspec (and Python's msgpack) write it, and read into plain values: null, Boolean, Long,
 * BigInteger (unsigned values above Long.MAX_VALUE), Double, String, byte[], List, and Map with
 * String keys in wire order. Ext types are refused.
 */
final class Msgpack {

    private Msgpack() {
    }

    /** Appends values to a growing buffer. */
    static final class Writer {
        private byte[] buf = new byte[512];
        private int size;

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        Writer nil() {
            put(0xc0);
            return this;
        }

        Writer bool(boolean b) {
            put(b ? 0xc3 : 0xc2);
            return this;
        }

        /** A signed integer in its smallest form (non-negative values use the unsigned formats). */
        Writer integer(long v) {
            if (v >= 0) {
                if (v < 128) {
                    put((int) v);
                } else if (v <= 0xFF) {
                    put(0xcc);
                    put((int) v);
                } else if (v <= 0xFFFF) {
                    put(0xcd);
                    be(v, 2);
                } else if (v <= 0xFFFF_FFFFL) {
                    put(0xce);
                    be(v, 4);
                } else {
                    put(0xcf);
                    be(v, 8);
                }
            } else if (v >= -32) {
                put((int) v & 0xFF);
            } else if (v >= Byte.MIN_VALUE) {
                put(0xd0);
                be(v, 1);
            } else if (v >= Short.MIN_VALUE) {
                put(0xd1);
                be(v, 2);
            } else if (v >= Integer.MIN_VALUE) {
                put(0xd2);
                be(v, 4);
            } else {
                put(0xd3);
                be(v, 8);
            }
            return this;
        }

        /** The unsigned 64-bit value held in {@code bits}. */
        Writer unsigned(long bits) {
            if (bits >= 0) {
                return integer(bits);
            }
            put(0xcf);
            be(bits, 8);
            return this;
        }

        Writer float64(double d) {
            put(0xcb);
            be(Double.doubleToLongBits(d), 8);
            return this;
        }

        Writer str(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            int n = utf8.length;
            if (n < 32) {
                put(0xa0 | n);
            } else if (n <= 0xFF) {
                put(0xd9);
                put(n);
            } else if (n <= 0xFFFF) {
                put(0xda);
                be(n, 2);
            } else {
                put(0xdb);
                be(n, 4);
            }
            raw(utf8);
            return this;
        }

        Writer bin(byte[] b) {
            int n = b.length;
            if (n <= 0xFF) {
                put(0xc4);
                put(n);
            } else if (n <= 0xFFFF) {
                put(0xc5);
                be(n, 2);
            } else {
                put(0xc6);
                be(n, 4);
            }
            raw(b);
            return this;
        }

        Writer array(int n) {
            if (n < 16) {
                put(0x90 | n);
            } else if (n <= 0xFFFF) {
                put(0xdc);
                be(n, 2);
            } else {
                put(0xdd);
                be(n, 4);
            }
            return this;
        }

        Writer map(int n) {
            if (n < 16) {
                put(0x80 | n);
            } else if (n <= 0xFFFF) {
                put(0xde);
                be(n, 2);
            } else {
                put(0xdf);
                be(n, 4);
            }
            return this;
        }

        private void be(long v, int n) {
            ensure(n);
            for (int i = n - 1; i >= 0; i--) {
                buf[size++] = (byte) (v >>> (8 * i));
            }
        }

        private void put(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        private void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }

    /** Reads one whole value from a byte array; anything left over is an error. */
    static Object read(byte[] bytes) {
        Reader r = new Reader(bytes);
        Object v = r.value(0);
        if (r.pos != bytes.length) {
            throw new MalformedKvEventsException((bytes.length - r.pos) + " bytes follow the msgpack value");
        }
        return v;
    }

    private static final class Reader {
        private static final int MAX_DEPTH = 32;
        private final byte[] in;
        private int pos;

        Reader(byte[] in) {
            this.in = in;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw new MalformedKvEventsException("msgpack nesting deeper than " + MAX_DEPTH);
            }
            int b = u8();
            if (b <= 0x7f) {
                return (long) b;
            }
            if (b >= 0xe0) {
                return (long) (byte) b;
            }
            if ((b & 0xf0) == 0x80) {
                return map(b & 0x0f, depth);
            }
            if ((b & 0xf0) == 0x90) {
                return array(b & 0x0f, depth);
            }
            if ((b & 0xe0) == 0xa0) {
                return str(b & 0x1f);
            }
            return switch (b) {
                case 0xc0 -> null;
                case 0xc2 -> false;
                case 0xc3 -> true;
                case 0xc4 -> bin(u8());
                case 0xc5 -> bin(u16());
                case 0xc6 -> bin(u32());
                case 0xca -> (double) Float.intBitsToFloat((int) be(4));
                case 0xcb -> Double.longBitsToDouble(be(8));
                case 0xcc -> (long) u8();
                case 0xcd -> (long) u16();
                case 0xce -> be(4);
                case 0xcf -> {
                    long bits = be(8);
                    yield bits >= 0 ? (Object) bits : new BigInteger(Long.toUnsignedString(bits));
                }
                case 0xd0 -> (long) (byte) be(1);
                case 0xd1 -> (long) (short) be(2);
                case 0xd2 -> (long) (int) be(4);
                case 0xd3 -> be(8);
                case 0xd9 -> str(u8());
                case 0xda -> str(u16());
                case 0xdb -> str(u32());
                case 0xdc -> array(u16(), depth);
                case 0xdd -> array(u32(), depth);
                case 0xde -> map(u16(), depth);
                case 0xdf -> map(u32(), depth);
                default -> throw new MalformedKvEventsException(String.format(
                        "msgpack type 0x%02x at byte %d is not used by KV events (ext or reserved)", b, pos - 1));
            };
        }

        private List<Object> array(int n, int depth) {
            room(n);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(value(depth + 1));
            }
            return out;
        }

        private Map<String, Object> map(int n, int depth) {
            room(2L * n);
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                int at = pos;
                if (!(value(depth + 1) instanceof String key)) {
                    throw new MalformedKvEventsException("a map key at byte " + at + " is not a string");
                }
                out.put(key, value(depth + 1));
            }
            return out;
        }

        private String str(int n) {
            room(n);
            try {
                String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(in, pos, n)).toString();
                pos += n;
                return s;
            } catch (CharacterCodingException e) {
                throw new MalformedKvEventsException("a string at byte " + pos + " is not UTF-8", e);
            }
        }

        private byte[] bin(int n) {
            room(n);
            byte[] b = Arrays.copyOfRange(in, pos, pos + n);
            pos += n;
            return b;
        }

        /** Refuses a length the remaining bytes cannot hold (each item takes at least one byte). */
        private void room(long n) {
            if (n < 0 || n > in.length - pos) {
                throw new MalformedKvEventsException("msgpack length " + n + " at byte " + pos + " exceeds the "
                        + (in.length - pos) + " bytes left");
            }
        }

        private int u8() {
            room(1);
            return in[pos++] & 0xFF;
        }

        private int u16() {
            return (int) be(2);
        }

        private int u32() {
            long v = be(4);
            if (v > Integer.MAX_VALUE) {
                throw new MalformedKvEventsException("msgpack length " + v + " is too large");
            }
            return (int) v;
        }

        private long be(int n) {
            room(n);
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | (in[pos++] & 0xFF);
            }
            return v;
        }
    }
}
