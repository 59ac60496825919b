package io.inferrouter.admin.decisions;

import io.inferrouter.schemas.decisions.RoutingDecision;

/**
 * A decision as it sits in Kafka: where it is and when it was logged (the record's timestamp, set
 * by the gateway when the request ended).
 */
public record LoggedDecision(int partition, long offset, long loggedAtMs, RoutingDecision decision) {
}
