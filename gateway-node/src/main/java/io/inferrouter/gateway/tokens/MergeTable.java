package io.inferrouter.gateway.tokens;

/**
 * A BPE model's merges: the pair of token ids (left, right) to its rank (its place in the merges
 * list, lower first) and the id of the merged token. Open addressing on primitive longs; filled at
 * load, read only afterwards.
 */
final class MergeTable {

    /** Returned by {@link #get} for a pair that does not merge. */
    static final long NONE = -1L;

    private final long[] keys;
    private final long[] values;
    private final boolean[] used;
    private final int mask;
    private int size;

    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        used = new boolean[capacity];
        mask = capacity - 1;
    }

    /** Adds a merge unless the pair has one already (the first, lowest rank, wins as in Hugging Face's). */
    void put(int left, int right, int rank, int merged) {
        if (size * 2 >= keys.length) {
            throw new IllegalStateException("merge table sized for fewer entries");
        }
        long key = key(left, right);
        int i = slot(key);
        while (used[i]) {
            if (keys[i] == key) {
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
        values[i] = ((long) rank << 32) | (merged & 0xFFFF_FFFFL);
        size++;
    }

    /** {@code rank << 32 | mergedId} of the pair, or {@link #NONE}. */
    long get(int left, int right) {
        long key = key(left, right);
        int i = slot(key);
        while (used[i]) {
            if (keys[i] == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return NONE;
    }

    static int rank(long value) {
        return (int) (value >>> 32);
    }

    static int merged(long value) {
        return (int) value;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFF_FFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }
}
