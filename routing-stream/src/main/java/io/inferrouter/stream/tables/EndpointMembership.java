package io.inferrouter.stream.tables;

import java.util.List;
import java.util.Map;

/**
 * Which pools one endpoint (one target port of one ready pod) belongs to. Internal to routing-stream:
 * it travels on the {@code endpoint-membership} repartition topic, keyed by endpoint id, so that it
 * meets that endpoint's metrics on the same partition as the metrics topic.
 *
 * @param endpoint     the endpoint id, {@code namespace/pod:port}
 * @param address      the pod IP
 * @param port         the target port
 * @param labels       the pod's labels
 * @param pools        the keys of the pools it is a member of, sorted; never empty (no membership is a tombstone)
 * @param observedAtMs the newest observation time of the pod and those pools
 */
public record EndpointMembership(String endpoint, String address, int port, Map<String, String> labels,
                                 List<String> pools, long observedAtMs) {

    public EndpointMembership {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        pools = pools == null ? List.of() : List.copyOf(pools);
    }
}
