package io.inferrouter.schemas.resources;

import java.util.List;

/**
 * The state of one Kubernetes object as published by state-ingestor to its compacted topic,
 * keyed {@code namespace/name}. A delete is a tombstone (null value) under the same key.
 *
 * <p>Every event says when it was observed and by which source, so staleness can be measured
 * end to end. Objects that fail validation are still published, with their reasons in
 * {@link #validationErrors()}, so that the tables can show them as rejected.
 */
public sealed interface KubeResource
        permits InferencePool, InferenceModel, InferenceObjective, InferenceModelRewrite, HttpRoute, Pod {

    ResourceMeta meta();

    /** Why this object cannot be used as written; empty when it is valid. */
    List<String> validationErrors();

    /** When the source saw this state, epoch milliseconds. */
    long observedAtMs();

    /** Who observed it, for example {@code k8s:state-ingestor-0} or {@code file:/etc/router/pools.yaml}. */
    String source();

    default ResourceKey key() {
        return meta().key();
    }

    default boolean valid() {
        return validationErrors().isEmpty();
    }
}
