package io.inferrouter.stream.tables;

import io.inferrouter.schemas.metrics.EndpointId;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The memberships last emitted for one pod, by endpoint; what the next change is diffed against. */
public record PodEndpoints(Map<EndpointId, EndpointMembership> endpoints) {

    public PodEndpoints {
        endpoints = endpoints == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(endpoints));
    }
}
