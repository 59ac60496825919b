package io.inferrouter.gateway.tokens;

import java.util.Arrays;

/** A growable list of ints: token ids as they are produced. */
final class IntList {

    private int[] items;
    private int size;

    IntList(int capacity) {
        items = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = v;
    }

    void addAll(int[] values, int n) {
        if (size + n > items.length) {
            items = Arrays.copyOf(items, Math.max(size + n, size * 2));
        }
        System.arraycopy(values, 0, items, size, n);
        size += n;
    }

    int size() {
        return size;
    }

    void truncate(int n) {
        size = Math.min(size, n);
    }

    int[] toArray() {
        return Arrays.copyOf(items, size);
    }
}
