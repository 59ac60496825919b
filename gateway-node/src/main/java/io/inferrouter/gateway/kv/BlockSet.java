package io.inferrouter.gateway.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One endpoint's block hashes: a set of 64-bit hashes, each with the sequence number of the store
 * that added it, that one thread writes and any number of threads read without locks. Open
 * addressing over two primitive arrays (12 bytes a slot): a key, once in a slot, stays there until
 * the next rebuild (a removed block keeps its key with sequence 0), so a reader that found a key
 * never reads another key's sequence. Growing or compacting builds new arrays and publishes them
 * through a volatile field; readers of the old arrays see the set as it was a moment before.
 * Hash 0 marks an empty slot, so the block whose hash is 0 is kept in a field of its own.
 */
final class BlockSet {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int MIN_CAPACITY = 16;

    private static final class Table {
        final long[] keys;
        final int[] seqs;
        final int mask;
        /** Slots holding a key, removed ones included; writer only. */
        int used;

        Table(int capacity) {
            keys = new long[capacity];
            seqs = new int[capacity];
            mask = capacity - 1;
        }
    }

    private volatile Table table = new Table(MIN_CAPACITY);
    private volatile int zeroSeq;
    /** Blocks held; written by the writer only. */
    private volatile int size;

    /** Blocks held. */
    int size() {
        return size;
    }

    /** The sequence number the block was stored with, or 0 when it is not held. Any thread. */
    int seq(long hash) {
        if (hash == 0) {
            return zeroSeq;
        }
        Table t = table;
        int i = slot(hash, t.mask);
        long k;
        while ((k = (long) LONGS.getAcquire(t.keys, i)) != 0) {
            if (k == hash) {
                return (int) INTS.getAcquire(t.seqs, i);
            }
            i = (i + 1) & t.mask;
        }
        return 0;
    }

    boolean contains(long hash) {
        return seq(hash) != 0;
    }

    /** Holds {@code hash} with sequence {@code seq} (not 0); returns the sequence it had, 0 if none. Writer only. */
    int put(long hash, int seq) {
        if (hash == 0) {
            int old = zeroSeq;
            zeroSeq = seq;
            if (old == 0) {
                size++;
            }
            return old;
        }
        Table t = table;
        int i = slot(hash, t.mask);
        long k;
        while ((k = t.keys[i]) != 0) {
            if (k == hash) {
                int old = t.seqs[i];
                INTS.setRelease(t.seqs, i, seq);
                if (old == 0) {
                    size++;
                }
                return old;
            }
            i = (i + 1) & t.mask;
        }
        if ((t.used + 1) * 4 > t.keys.length * 3) {
            t = rebuild(size + 1);
            i = slot(hash, t.mask);
            while (t.keys[i] != 0) {
                i = (i + 1) & t.mask;
            }
        }
        INTS.setRelease(t.seqs, i, seq);
        LONGS.setRelease(t.keys, i, hash);
        t.used++;
        size++;
        return 0;
    }

    /** Stops holding {@code hash}; returns the sequence it had, 0 if it was not held. Writer only. */
    int remove(long hash) {
        if (hash == 0) {
            int old = zeroSeq;
            if (old != 0) {
                zeroSeq = 0;
                size--;
            }
            return old;
        }
        Table t = table;
        int i = slot(hash, t.mask);
        long k;
        while ((k = t.keys[i]) != 0) {
            if (k == hash) {
                int old = t.seqs[i];
                if (old != 0) {
                    INTS.setRelease(t.seqs, i, 0);
                    size--;
                }
                return old;
            }
            i = (i + 1) & t.mask;
        }
        return 0;
    }

    /** Holds nothing. Writer only. */
    void clear() {
        table = new Table(MIN_CAPACITY);
        zeroSeq = 0;
        size = 0;
    }

    /** Bytes of the arrays, for the index's memory gauge. */
    long arrayBytes() {
        return table.keys.length * 12L;
    }

    /** New arrays holding the live blocks, at most half full after {@code needed} blocks. */
    private Table rebuild(int needed) {
        Table old = table;
        int capacity = MIN_CAPACITY;
        while (capacity < needed * 2) {
            capacity <<= 1;
        }
        Table t = new Table(capacity);
        for (int j = 0; j < old.keys.length; j++) {
            long k = old.keys[j];
            int s = old.seqs[j];
            if (k != 0 && s != 0) {
                int i = slot(k, t.mask);
                while (t.keys[i] != 0) {
                    i = (i + 1) & t.mask;
                }
                t.keys[i] = k;
                t.seqs[i] = s;
                t.used++;
            }
        }
        table = t;
        return t;
    }

    private static int slot(long hash, int mask) {
        long h = hash * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
