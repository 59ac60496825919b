package io.inferrouter.gateway.tokens;

import java.util.Arrays;

/**
 * Byte strings to ids: a byte-level vocabulary keyed by the bytes each token stands for, looked up
 * from a slice of a buffer without allocating. Open addressing, linear probing; filled at load, read
 * only afterwards, so any number of threads may read it.
 */
final class BytesIdMap {

    private final byte[][] keys;
    private final int[] ids;
    private final int mask;
    private int size;

    BytesIdMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new byte[capacity][];
        ids = new int[capacity];
        mask = capacity - 1;
    }

    /** Adds {@code key}; the first id given for a key stays. */
    void put(byte[] key, int id) {
        if (size * 2 >= keys.length) {
            throw new IllegalStateException("map sized for fewer entries");
        }
        int i = hash(key, 0, key.length) & mask;
        while (keys[i] != null) {
            if (Arrays.equals(keys[i], key)) {
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        ids[i] = id;
        size++;
    }

    /** The id of {@code buf[from, to)}, or -1. */
    int get(byte[] buf, int from, int to) {
        int i = hash(buf, from, to) & mask;
        byte[] k;
        while ((k = keys[i]) != null) {
            if (Arrays.equals(k, 0, k.length, buf, from, to)) {
                return ids[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }
}
