package io.inferrouter.schemas.metrics;

import io.inferrouter.schemas.Checks;
import java.util.List;

/**
 * One scrape of one endpoint's {@code /metrics}, keyed by {@link #endpoint()} on the metrics topic.
 * A failed or timed-out scrape is published too, with {@link #scrapeError()} set and the load fields
 * null, so that staleness is visible downstream.
 *
 * @param endpoint            endpoint id {@code namespace/pod:port} (see {@link EndpointId})
 * @param address             the pod IP scraped
 * @param port                the target port scraped
 * @param engineType          vllm, sglang, trtllm or triton (which metric names were read)
 * @param waitingRequests     requests queued in the engine
 * @param runningRequests     requests in the running batch
 * @param kvCacheUsage        fraction 0..1 of KV-cache blocks in use
 * @param loraRunning         LoRA adapters with running requests
 * @param loraWaiting         LoRA adapters with waiting requests
 * @param maxLora             LoRA slots, null when the server reports none
 * @param blockSize           KV-cache block size in tokens, when reported
 * @param numGpuBlocks        KV-cache blocks, when reported
 * @param prefixCacheQueries  cumulative prefix-cache queried tokens
 * @param prefixCacheHits     cumulative prefix-cache hit tokens
 * @param scrapeMicros        how long the scrape took
 * @param scrapeError         why the scrape failed, null when it succeeded
 * @param lastSuccessAtMs     time of the last successful scrape of this endpoint, 0 if none yet
 * @param observedAtMs        when the scrape finished
 * @param source              the scraper that produced it
 */
public record EndpointMetrics(String endpoint, String address, int port, String engineType,
                              Integer waitingRequests, Integer runningRequests, Double kvCacheUsage,
                              List<String> loraRunning, List<String> loraWaiting, Integer maxLora,
                              Integer blockSize, Integer numGpuBlocks,
                              Long prefixCacheQueries, Long prefixCacheHits,
                              long scrapeMicros, String scrapeError, long lastSuccessAtMs,
                              long observedAtMs, String source) {

    public EndpointMetrics {
        EndpointId.parse(endpoint);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        engineType = engineType == null ? "vllm" : engineType;
        if (kvCacheUsage != null && (kvCacheUsage.isNaN() || kvCacheUsage < 0)) {
            throw new IllegalArgumentException("kvCacheUsage must be >= 0, was " + kvCacheUsage);
        }
        loraRunning = Checks.list(loraRunning);
        loraWaiting = Checks.list(loraWaiting);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    public boolean failed() {
        return scrapeError != null;
    }
}
