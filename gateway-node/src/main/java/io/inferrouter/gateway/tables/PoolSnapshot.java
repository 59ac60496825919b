package io.inferrouter.gateway.tables;

import io.inferrouter.schemas.resources.FailureMode;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.PoolRow;
import java.util.List;
import java.util.Objects;

/**
 * One pool as the request path sees it: immutable, swapped whole when its rows change.
 *
 * @param key             the pool's key
 * @param row             the pool row, or null when endpoints arrived before the pool row
 * @param endpoints       the pool's endpoints, sorted by id
 * @param blockSizeTokens KV-cache block size the pool's servers report (16 when none does)
 */
public record PoolSnapshot(ResourceKey key, PoolRow row, List<Endpoint> endpoints, int blockSizeTokens) {

    public static final int DEFAULT_BLOCK_SIZE = 16;

    public PoolSnapshot {
        Objects.requireNonNull(key, "pool key");
        endpoints = List.copyOf(endpoints);
    }

    public FailureMode failureMode() {
        return row == null ? FailureMode.FailClose : row.pool().failureMode();
    }
}
