package io.inferrouter.schemas.metrics;

import io.inferrouter.schemas.Checks;
import java.util.List;

/**
 * How busy an engine was at a scrape: its queue, its running batch, its KV-cache use and its LoRA
 * adapters. A value the server did not report is null.
 *
 * @param waitingRequests requests queued in the engine
 * @param runningRequests requests in the running batch
 * @param kvCacheUsage    fraction 0..1 of KV-cache blocks in use
 * @param loraRunning     LoRA adapters with running requests
 * @param loraWaiting     LoRA adapters with waiting requests
 * @param maxLora         LoRA slots, null when the server reports none
 */
public record EngineLoad(Integer waitingRequests, Integer runningRequests, Double kvCacheUsage,
                         List<String> loraRunning, List<String> loraWaiting, Integer maxLora) {

    /** Nothing known: what a failed scrape reports. */
    public static final EngineLoad UNKNOWN = new EngineLoad(null, null, null, List.of(), List.of(), null);

    public EngineLoad {
        if (kvCacheUsage != null && (kvCacheUsage.isNaN() || kvCacheUsage < 0)) {
            throw new IllegalArgumentException("kvCacheUsage must be >= 0, was " + kvCacheUsage);
        }
        loraRunning = Checks.list(loraRunning);
        loraWaiting = Checks.list(loraWaiting);
    }

    /** Queue, batch and KV-cache use only, no LoRA adapters. */
    public static EngineLoad of(Integer waitingRequests, Integer runningRequests, Double kvCacheUsage) {
        return new EngineLoad(waitingRequests, runningRequests, kvCacheUsage, List.of(), List.of(), null);
    }
}
