package io.inferrouter.schemas.metrics;

/**
 * An engine's KV cache: its shape and its cumulative prefix-cache counters. A value the server did not
 * report is null.
 *
 * @param blockSize          KV-cache block size in tokens (kept as reported, 0 included: readers check it)
 * @param numGpuBlocks       KV-cache blocks
 * @param prefixCacheQueries cumulative prefix-cache queried tokens
 * @param prefixCacheHits    cumulative prefix-cache hit tokens
 */
public record CacheGeometry(Integer blockSize, Integer numGpuBlocks, Long prefixCacheQueries, Long prefixCacheHits) {

    /** Nothing known: what a failed scrape reports. */
    public static final CacheGeometry UNKNOWN = new CacheGeometry(null, null, null, null);

    /** The shape only, no prefix-cache counters. */
    public static CacheGeometry of(Integer blockSize, Integer numGpuBlocks) {
        return new CacheGeometry(blockSize, numGpuBlocks, null, null);
    }
}
