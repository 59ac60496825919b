package io.inferrouter.ingestor.kv;

import java.util.Arrays;

/**
 * The 64-bit block hashes one endpoint holds: an open-addressing set of primitive longs (linear probing,
 * deletion by backward shift, so no tombstones pile up under churn). Every value is a legal member; 0
 * marks an empty slot and is kept apart. Not thread-safe: one subscriber thread owns it.
 */
final class BlockSet {

    private static final int MIN_CAPACITY = 16;

    private long[] slots = new long[MIN_CAPACITY];
    private int size;
    private boolean hasZero;

    int size() {
        return size + (hasZero ? 1 : 0);
    }

    boolean contains(long hash) {
        if (hash == 0) {
            return hasZero;
        }
        int mask = slots.length - 1;
        for (int i = slot(hash, mask); ; i = (i + 1) & mask) {
            if (slots[i] == hash) {
                return true;
            }
            if (slots[i] == 0) {
                return false;
            }
        }
    }

    void add(long hash) {
        if (hash == 0) {
            hasZero = true;
            return;
        }
        if ((size + 1) * 4L > slots.length * 3L) {
            resize(slots.length * 2);
        }
        int mask = slots.length - 1;
        for (int i = slot(hash, mask); ; i = (i + 1) & mask) {
            if (slots[i] == hash) {
                return;
            }
            if (slots[i] == 0) {
                slots[i] = hash;
                size++;
                return;
            }
        }
    }

    void remove(long hash) {
        if (hash == 0) {
            hasZero = false;
            return;
        }
        int mask = slots.length - 1;
        int i = slot(hash, mask);
        while (slots[i] != hash) {
            if (slots[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        // Backward shift: move later members of the run into the hole when their home slot allows it.
        int hole = i;
        for (int j = (hole + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
            int home = slot(slots[j], mask);
            boolean movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
            if (movable) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = 0;
        size--;
        if (slots.length > MIN_CAPACITY && size * 8L < slots.length) {
            resize(slots.length / 2);
        }
    }

    void clear() {
        slots = new long[MIN_CAPACITY];
        size = 0;
        hasZero = false;
    }

    /** The members, sorted (as unsigned numbers, the order of their hex form). */
    long[] toSortedArray() {
        long[] out = new long[size()];
        int n = 0;
        for (long v : slots) {
            if (v != 0) {
                out[n++] = v;
            }
        }
        if (hasZero) {
            out[n] = 0;
        }
        // Flipping the sign bit makes a signed sort an unsigned one.
        for (int i = 0; i < out.length; i++) {
            out[i] ^= Long.MIN_VALUE;
        }
        Arrays.sort(out);
        for (int i = 0; i < out.length; i++) {
            out[i] ^= Long.MIN_VALUE;
        }
        return out;
    }

    private void resize(int capacity) {
        long[] old = slots;
        slots = new long[capacity];
        size = 0;
        int mask = capacity - 1;
        for (long v : old) {
            if (v != 0) {
                int i = slot(v, mask);
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = v;
                size++;
            }
        }
    }

    /** Block hashes are digests already, but an adversarial or truncated one should not cluster: mix anyway. */
    private static int slot(long hash, int mask) {
        long h = hash * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
