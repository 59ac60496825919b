package io.inferrouter.schemas.kv;

/**
 * The sequence-number frame of vLLM's KV-event messages, on the PUB socket and in replay requests and
 * replies: 8 bytes, big-endian. A replay ends with {@link #END} (-1, all bits set).
 */
public final class KvSequence {

    /** The replay's end marker. */
    public static final long END = -1;

    private KvSequence() {
    }

    /** The frame for {@code seq}. */
    public static byte[] bytes(long seq) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) seq;
            seq >>>= 8;
        }
        return b;
    }
}
