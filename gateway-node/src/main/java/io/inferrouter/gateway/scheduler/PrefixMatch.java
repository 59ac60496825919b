package io.inferrouter.gateway.scheduler;

import io.inferrouter.schemas.metrics.EndpointId;
import java.util.Map;

/**
 * What a prefix scorer looked up for one request, kept in the cycle state: how many of the prompt's
 * leading blocks each endpoint holds. The decision record carries it, and a replay presets it, so a
 * recorded request is re-decided on what the index said then, not on what it says now.
 *
 * @param promptBlocks the prompt's (hashed, capped) blocks
 * @param matched      leading blocks held, per endpoint that holds any (absent: none)
 * @param fallback     for the precise scorer: why it fell back to the approximate one, else null
 */
public record PrefixMatch(int promptBlocks, Map<EndpointId, Integer> matched, String fallback) {

    public PrefixMatch {
        matched = Map.copyOf(matched);
    }

    /** The precise scorer fell back to the approximate one for {@code reason}. */
    public static PrefixMatch fellBack(String reason) {
        return new PrefixMatch(0, Map.of(), reason);
    }

    /** The share of the prompt's blocks {@code endpoint} holds, 0..1. */
    public double share(EndpointId endpoint) {
        Integer m = matched.get(endpoint);
        return m == null || promptBlocks == 0 ? 0 : (double) m / promptBlocks;
    }
}
