package io.inferrouter.gateway.decisions;

import io.inferrouter.schemas.decisions.RoutingDecision;

/** Where finished decision events go: the Kafka {@link DecisionLog} in production. Must not block. */
public interface DecisionSink {

    void record(RoutingDecision decision);
}
