package io.inferrouter.stream.tables;

import java.util.Map;
import java.util.TreeMap;

/** The memberships last emitted for one pod, by endpoint id; what the next change is diffed against. */
public record PodEndpoints(Map<String, EndpointMembership> endpoints) {

    public PodEndpoints {
        endpoints = endpoints == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(endpoints));
    }
}
