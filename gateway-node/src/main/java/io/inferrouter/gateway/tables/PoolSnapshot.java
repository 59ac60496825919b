package io.inferrouter.gateway.tables;

import io.inferrouter.schemas.resources.FailureMode;
import io.inferrouter.schemas.tables.PoolRow;
import java.util.List;

/**
 * One pool as the request path sees it: immutable, swapped whole when its rows change.
 *
 * @param key            the pool key, {@code namespace/name}
 * @param row            the pool row, or null when endpoints arrived before the pool row
 * @param endpoints      the pool's endpoints, sorted by id
 * @param blockSizeTokens KV-cache block size the pool's servers report (16 when none does)
 */
public record PoolSnapshot(String key, PoolRow row, List<Endpoint> endpoints, int blockSizeTokens) {

    public static final int DEFAULT_BLOCK_SIZE = 16;

    public PoolSnapshot {
        endpoints = List.copyOf(endpoints);
    }

    public FailureMode failureMode() {
        return row == null ? FailureMode.FailClose : row.pool().failureMode();
    }

    public String namespace() {
        return key.substring(0, key.indexOf('/'));
    }
}
