package io.inferrouter.stream.tables;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which pools one endpoint (one target port of one ready pod) belongs to. Internal to routing-stream:
 * it travels on the {@code endpoint-membership} repartition topic, keyed by endpoint id, so that it
 * meets that endpoint's metrics on the same partition as the metrics topic. Its JSON writes both ids
 * as their strings.
 *
 * @param endpoint     the endpoint
 * @param address      the pod IP
 * @param port         the target port
 * @param labels       the pod's labels
 * @param pools        the pools it is a member of, sorted; never empty (no membership is a tombstone)
 * @param observedAtMs the newest observation time of the pod and those pools
 */
public record EndpointMembership(EndpointId endpoint, String address, int port, Map<String, String> labels,
                                 List<ResourceKey> pools, long observedAtMs) {

    public EndpointMembership {
        Objects.requireNonNull(endpoint, "endpoint is required");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        pools = pools == null ? List.of() : List.copyOf(pools);
    }
}
