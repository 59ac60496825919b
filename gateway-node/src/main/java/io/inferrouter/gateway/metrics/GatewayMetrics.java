package io.inferrouter.gateway.metrics;

/**
 * What the gateway counts and times. A no-op by default; {@link MicrometerGatewayMetrics} in
 * production. Called on the request path: implementations must not block.
 */
public interface GatewayMetrics {

    GatewayMetrics NOOP = new GatewayMetrics() {
    };

    /** A request ended. {@code pool} is "none" when it never got one. */
    default void requestEnded(String model, String pool, int status, long totalNanos) {
    }

    /** The first byte of an upstream response arrived {@code nanos} after the request did. */
    default void firstByte(String model, String pool, long nanos) {
    }

    /** Tokens an upstream response reported or streamed. */
    default void tokens(String model, String pool, int promptTokens, int outputTokens) {
    }

    default void decisionTime(String pool, long nanos) {
    }

    /** A request was retried on another endpoint after a failure before its first byte. */
    default void retried(String pool) {
    }

    default void shed(String pool) {
    }

    default void decisionDropped() {
    }

    default void tableRecordSkipped(String topic) {
    }

    /** An endpoint appeared in the tables; its in-flight count can be reported from now on. */
    default void endpointAdded(String endpoint, java.util.function.IntSupplier inFlight) {
    }

    /** An endpoint left every pool. */
    default void endpointRemoved(String endpoint) {
    }
}
