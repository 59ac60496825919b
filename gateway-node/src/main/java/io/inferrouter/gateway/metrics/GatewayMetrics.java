package io.inferrouter.gateway.metrics;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.function.IntSupplier;

/**
 * What the gateway counts and times. A no-op by default; {@link MicrometerGatewayMetrics} in
 * production. Called on the request path: implementations must not block.
 */
public interface GatewayMetrics {

    GatewayMetrics NOOP = new GatewayMetrics() {
    };

    /** A request ended. {@code pool} is null when it never got one. */
    default void requestEnded(String model, ResourceKey pool, int status, long totalNanos) {
    }

    /** The first byte of an upstream response arrived {@code nanos} after the request did. */
    default void firstByte(String model, ResourceKey pool, long nanos) {
    }

    /** Tokens an upstream response reported or streamed. */
    default void tokens(String model, ResourceKey pool, int promptTokens, int outputTokens) {
    }

    default void decisionTime(ResourceKey pool, long nanos) {
    }

    /** A request was retried on another endpoint after a failure before its first byte. */
    default void retried(ResourceKey pool) {
    }

    default void shed(ResourceKey pool) {
    }

    /**
     * A streamed response was aborted after it started because the model server's stream broke: the
     * client got an SSE error event and a body without its end.
     */
    default void streamAborted(ResourceKey pool) {
    }

    default void decisionDropped() {
    }

    default void tableRecordSkipped(String topic) {
    }

    /** A {@code kv.events} record could not be read and was skipped. */
    default void kvEventsRecordSkipped() {
    }

    /**
     * A batch of KV events reached the index {@code millis} after the model server stamped it (its
     * clock against this host's: meaningful where clocks are synchronized, exact on one host).
     */
    default void kvEventIndexLag(long millis) {
    }

    /** A {@code gateway.peers} record could not be read and was skipped. */
    default void peerReportSkipped() {
    }

    /** This replica's report could not be handed to Kafka (down, or too slow) and was lost. */
    default void peerReportLost() {
    }

    /**
     * A prompt a peer replica served reached this gateway's prefix index {@code millis} after the peer
     * learnt it (the peer's clock against this host's).
     */
    default void peerPromptLag(long millis) {
    }

    /**
     * The precise prefix-cache scorer scored a request with the approximate scorer instead, for
     * {@code reason} (one of a few constants: the index is not caught up, no candidate publishes KV
     * events, the model has no tokenizer, the tokenizer cannot give this prompt's ids).
     */
    default void preciseFallback(String reason) {
    }

    /** An endpoint appeared in the tables; its in-flight count can be reported from now on. */
    default void endpointAdded(EndpointId endpoint, IntSupplier inFlight) {
    }

    /** An endpoint left every pool. */
    default void endpointRemoved(EndpointId endpoint) {
    }

    /** A request's headers were over {@code http.max-header-bytes}: 431. */
    default void headerTooLarge() {
    }

    /**
     * A client connection was cut for sending too slowly ({@code http.read-timeout}); idle keep-alive
     * connections closed after the same time are not counted.
     */
    default void readTimedOut() {
    }

    /** A connection over {@code http.max-connections} was answered 503. */
    default void connectionRejected() {
    }

    /** A request over {@code http.max-in-flight} was answered 503. */
    default void inFlightRejected() {
    }

    /** The client connections open and the requests in flight (as capped), read when metrics are scraped. */
    default void clientLoad(IntSupplier openConnections, IntSupplier inFlightRequests) {
    }
}
