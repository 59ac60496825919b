package io.inferrouter.stream.topology;

import java.time.Duration;

/**
 * What shapes the topology itself (as opposed to how the Streams client runs it).
 *
 * @param endpointPartitions partitions of the internal membership topic; must equal the metrics topic's
 *                           partitions, since memberships and metrics meet by endpoint id
 * @param orphanHorizon      how long metrics of an endpoint that is in no pool are kept (stream time)
 * @param inMemoryStores     in-memory state stores instead of RocksDB (restored from changelogs on start)
 */
public record TopologySettings(int endpointPartitions, Duration orphanHorizon, boolean inMemoryStores) {

    public TopologySettings {
        if (endpointPartitions < 1) {
            throw new IllegalArgumentException("endpointPartitions must be >= 1, was " + endpointPartitions);
        }
        if (orphanHorizon == null || orphanHorizon.isNegative() || orphanHorizon.isZero()) {
            throw new IllegalArgumentException("orphanHorizon must be positive, was " + orphanHorizon);
        }
    }

    public static TopologySettings defaults() {
        return new TopologySettings(io.inferrouter.schemas.topics.Topics.ENDPOINT_METRICS.partitions(),
                Duration.ofMinutes(10), false);
    }
}
