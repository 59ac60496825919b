package io.inferrouter.schemas.tables;

/**
 * Keys of the routing-table topics. Row keys are composite, {@code pool|rest}, so that one update
 * is one small record and a consumer can find a pool's rows by prefix.
 */
public final class TableKeys {

    public static final char SEPARATOR = '|';

    private TableKeys() {
    }

    public static String of(String pool, String rest) {
        return pool + SEPARATOR + rest;
    }

    /** The pool part of a composite key. */
    public static String pool(String key) {
        int at = key.indexOf(SEPARATOR);
        if (at <= 0) {
            throw new IllegalArgumentException("table key must be pool|rest, was '" + key + "'");
        }
        return key.substring(0, at);
    }
}
