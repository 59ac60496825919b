package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.PoolSnapshot;

/**
 * Everything a plugin may read for one decision: the request, the pool snapshot, the time, and
 * the prompt's prefix-block hashes (computed once, shared by every plugin).
 */
public record SchedulingContext(SchedulingRequest request, PoolSnapshot pool, long nowMs, long[] promptBlocks) {
}
