package io.inferrouter.schemas.tables;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;

/**
 * Keys of the endpoints table topic. Row keys are composite, {@code pool|endpoint}, so that one update
 * is one small record and a consumer can find a pool's rows by prefix.
 */
public final class TableKeys {

    public static final char SEPARATOR = '|';

    private TableKeys() {
    }

    public static String of(ResourceKey pool, EndpointId endpoint) {
        return pool.toString() + SEPARATOR + endpoint;
    }

    /** The pool part of a composite key. */
    public static ResourceKey pool(String key) {
        int at = key.indexOf(SEPARATOR);
        if (at <= 0) {
            throw new IllegalArgumentException("table key must be pool|endpoint, was '" + key + "'");
        }
        return ResourceKey.parse(key.substring(0, at));
    }

    /** The endpoint part of a composite key. */
    public static EndpointId endpoint(String key) {
        int at = key.indexOf(SEPARATOR);
        if (at <= 0) {
            throw new IllegalArgumentException("table key must be pool|endpoint, was '" + key + "'");
        }
        return EndpointId.parse(key.substring(at + 1));
    }

    /** The prefix that selects every row of one pool in a store sorted by key. */
    public static String prefix(ResourceKey pool) {
        return pool.toString() + SEPARATOR;
    }
}
