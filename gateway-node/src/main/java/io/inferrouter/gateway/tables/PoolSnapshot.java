package io.inferrouter.gateway.tables;

import io.inferrouter.schemas.resources.FailureMode;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.PoolRow;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One pool as the request path sees it: immutable, swapped whole when its rows change. Knows each
 * endpoint's position, so a scheduling cycle can keep per-endpoint values in arrays.
 */
public final class PoolSnapshot {

    public static final int DEFAULT_BLOCK_SIZE = 16;

    private final ResourceKey key;
    private final PoolRow row;
    private final long rowOffset;
    private final List<Endpoint> endpoints;
    private final int blockSizeTokens;
    private final Map<Endpoint, Integer> positions;

    /**
     * @param key             the pool's key
     * @param row             the pool row, or null when endpoints arrived before the pool row
     * @param endpoints       the pool's endpoints, sorted by id
     * @param blockSizeTokens KV-cache block size the pool's servers report (16 when none does)
     */
    public PoolSnapshot(ResourceKey key, PoolRow row, List<Endpoint> endpoints, int blockSizeTokens) {
        this(key, row, -1, endpoints, blockSizeTokens);
    }

    /** @param rowOffset the pool row's offset in its table topic, -1 when unknown */
    public PoolSnapshot(ResourceKey key, PoolRow row, long rowOffset, List<Endpoint> endpoints, int blockSizeTokens) {
        this.key = Objects.requireNonNull(key, "pool key");
        this.row = row;
        this.rowOffset = rowOffset;
        this.endpoints = List.copyOf(endpoints);
        this.blockSizeTokens = blockSizeTokens;
        Map<Endpoint, Integer> p = new IdentityHashMap<>(this.endpoints.size() * 2);
        for (int i = 0; i < this.endpoints.size(); i++) {
            p.put(this.endpoints.get(i), i);
            this.endpoints.get(i).positionHint(i);
        }
        this.positions = p;
    }

    public ResourceKey key() {
        return key;
    }

    /** The pool row, or null when endpoints arrived before the pool row. */
    public PoolRow row() {
        return row;
    }

    /** The pool row's offset in its table topic (the version the gateway read), -1 when unknown. */
    public long rowOffset() {
        return rowOffset;
    }

    /** The pool's endpoints, sorted by id. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** KV-cache block size the pool's servers report (16 when none does). */
    public int blockSizeTokens() {
        return blockSizeTokens;
    }

    /** The endpoint's index in {@link #endpoints()}, or -1 when it is not this snapshot's. */
    public int position(Endpoint e) {
        int hint = e.positionHint();
        if (hint >= 0 && hint < endpoints.size() && endpoints.get(hint) == e) {
            return hint;
        }
        Integer i = positions.get(e);
        return i == null ? -1 : i;
    }

    public FailureMode failureMode() {
        return row == null ? FailureMode.FailClose : row.pool().failureMode();
    }

    @Override
    public String toString() {
        return "PoolSnapshot[" + key + ", " + endpoints.size() + " endpoints]";
    }
}
