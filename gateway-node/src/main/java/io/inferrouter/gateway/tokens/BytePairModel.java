package io.inferrouter.gateway.tokens;

import java.util.Arrays;

/**
 * A byte-level BPE model as Hugging Face's tokenizers runs it: a piece's bytes start as one token
 * each; the adjacent pair with the lowest merge rank (the leftmost of equal ones) merges, again and
 * again, until no pair merges. With {@code ignore_merges} (Llama 3) a piece that is itself in the
 * vocabulary is that token. Immutable after load; {@link #encode} keeps its scratch space in the
 * caller's {@link Scratch}, so threads share the model without locks.
 */
final class BytePairModel {

    /** Up to this many symbols a piece is merged by scanning all pairs; longer ones use a heap. */
    static final int SCAN_LIMIT = 48;

    private final BytesIdMap vocab;
    private final MergeTable merges;
    private final int[] byteIds;
    private final boolean ignoreMerges;
    private final int scanLimit;

    BytePairModel(BytesIdMap vocab, MergeTable merges, int[] byteIds, boolean ignoreMerges) {
        this(vocab, merges, byteIds, ignoreMerges, SCAN_LIMIT);
    }

    /** @param scanLimit longest piece merged by scanning (tests compare both ways) */
    BytePairModel(BytesIdMap vocab, MergeTable merges, int[] byteIds, boolean ignoreMerges, int scanLimit) {
        this.scanLimit = scanLimit;
        this.vocab = vocab;
        this.merges = merges;
        this.byteIds = byteIds.clone();
        this.ignoreMerges = ignoreMerges;
    }

    /** A thread's working arrays, grown as needed. */
    static final class Scratch {
        int[] sym = new int[64];
        int[] rank = new int[64];
        int[] next = new int[64];
        int[] prev = new int[64];
        long[] heap = new long[64];

        void ensure(int n) {
            if (sym.length < n) {
                int c = Math.max(n, sym.length * 2);
                sym = new int[c];
                rank = new int[c];
                next = new int[c];
                prev = new int[c];
            }
        }
    }

    /** Appends the ids of the piece {@code bytes[from, to)} to {@code out}. */
    /** The same model merging every piece by scanning ({@code true}) or by heap. */
    BytePairModel merging(boolean byScan) {
        return new BytePairModel(vocab, merges, byteIds, ignoreMerges, byScan ? Integer.MAX_VALUE : 1);
    }

    void encode(byte[] bytes, int from, int to, Scratch s, IntList out) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        if (ignoreMerges || n == 1) {
            int whole = vocab.get(bytes, from, to);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        s.ensure(n);
        for (int i = 0; i < n; i++) {
            s.sym[i] = byteIds[bytes[from + i] & 0xFF];
        }
        if (n <= scanLimit) {
            mergeByScan(s, n, out);
        } else {
            mergeByHeap(s, n, out);
        }
    }

    private void mergeByScan(Scratch s, int n, IntList out) {
        int[] sym = s.sym;
        int[] rank = s.rank;
        for (int i = 0; i < n - 1; i++) {
            rank[i] = rankOf(sym[i], sym[i + 1]);
        }
        while (n > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i < n - 1; i++) {
                if (rank[i] < bestRank) {
                    bestRank = rank[i];
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            sym[best] = MergeTable.merged(merges.get(sym[best], sym[best + 1]));
            System.arraycopy(sym, best + 2, sym, best + 1, n - best - 2);
            System.arraycopy(rank, best + 2, rank, best + 1, Math.max(0, n - best - 3));
            n--;
            if (best > 0) {
                rank[best - 1] = rankOf(sym[best - 1], sym[best]);
            }
            if (best < n - 1) {
                rank[best] = rankOf(sym[best], sym[best + 1]);
            }
        }
        out.addAll(sym, n);
    }

    /** Hugging Face's {@code Word::merge_all}: a queue of (rank, position), stale entries skipped. */
    private void mergeByHeap(Scratch s, int n, IntList out) {
        int[] sym = s.sym;
        int[] next = s.next;
        int[] prev = s.prev;
        Heap heap = new Heap(s, n);
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        for (int i = 0; i < n - 1; i++) {
            int r = rankOf(sym[i], sym[i + 1]);
            if (r != Integer.MAX_VALUE) {
                heap.push(r, i);
            }
        }
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int r = (int) (top >>> 32);
            int pos = (int) top;
            int right = next[pos];
            if (sym[pos] < 0 || right < 0 || rankOf(sym[pos], sym[right]) != r) {
                continue;
            }
            sym[pos] = MergeTable.merged(merges.get(sym[pos], sym[right]));
            sym[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
                int ra = rankOf(sym[pos], sym[after]);
                if (ra != Integer.MAX_VALUE) {
                    heap.push(ra, pos);
                }
            }
            int before = prev[pos];
            if (before >= 0) {
                int rb = rankOf(sym[before], sym[pos]);
                if (rb != Integer.MAX_VALUE) {
                    heap.push(rb, before);
                }
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(sym[i]);
        }
    }

    private int rankOf(int left, int right) {
        long v = merges.get(left, right);
        return v == MergeTable.NONE ? Integer.MAX_VALUE : MergeTable.rank(v);
    }

    /** A binary min-heap of {@code rank << 32 | position} in the scratch's array. */
    private static final class Heap {
        private final Scratch s;
        private int size;

        Heap(Scratch s, int n) {
            this.s = s;
            if (s.heap.length < 2 * n) {
                s.heap = new long[2 * n];
            }
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(int rank, int pos) {
            if (size == s.heap.length) {
                s.heap = Arrays.copyOf(s.heap, size * 2);
            }
            long[] h = s.heap;
            long v = ((long) rank << 32) | pos;
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (h[parent] <= v) {
                    break;
                }
                h[i] = h[parent];
                i = parent;
            }
            h[i] = v;
        }

        long pop() {
            long[] h = s.heap;
            long top = h[0];
            long last = h[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && h[child + 1] < h[child]) {
                    child++;
                }
                if (h[child] >= last) {
                    break;
                }
                h[i] = h[child];
                i = child;
            }
            h[i] = last;
            return top;
        }
    }
}
