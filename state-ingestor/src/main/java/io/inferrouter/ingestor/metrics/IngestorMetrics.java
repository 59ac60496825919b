package io.inferrouter.ingestor.metrics;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What state-ingestor counts, times and reports. A no-op by default; {@link MicrometerIngestorMetrics}
 * in production. Called from the scrape loops and producer callbacks: implementations must not block.
 * The methods taking a supplier register a value that is read whenever the metrics are read.
 */
public interface IngestorMetrics {

    IngestorMetrics NOOP = new IngestorMetrics() {
    };

    /** Whether this replica publishes and scrapes (leader, or no election), from now on. */
    default void leader(BooleanSupplier leader) {
    }

    /** Whether /ready answers 200, from now on. */
    default void ready(BooleanSupplier ready) {
    }

    /** Whether the last probe of the Kafka cluster answered, from now on. */
    default void kafkaReachable(BooleanSupplier reachable) {
    }

    /** The broker acknowledged a record ({@code tombstone}: a delete) on {@code topic}. */
    default void published(String topic, boolean tombstone) {
    }

    /** A send to {@code topic} failed; a retriable failure of a resource record is sent again. */
    default void sendFailed(String topic, boolean retriable) {
    }

    /** A resource record was sent again after a failure. */
    default void sendRetried(String topic) {
    }

    /** A resource record equal to the last one sent for its key was not sent. */
    default void unchangedSkipped(String topic) {
    }

    /** The broker acknowledged a metrics snapshot {@code millis} after its scrape ended. */
    default void metricsAcknowledged(long millis) {
    }

    /** An informer of {@code kind} in {@code namespace} ("*" for all) was set up. */
    default void informer(String kind, String namespace, BooleanSupplier watching, BooleanSupplier synced) {
    }

    /** When the source last reported a change of {@code kind} (epoch ms, 0 for never), from now on. */
    default void lastEvent(String kind, LongSupplier lastEventAtMs) {
    }

    /** The source reported an object of {@code kind} as added or changed. */
    default void resourceUpserted(String kind) {
    }

    /** The source reported an object of {@code kind} as deleted. */
    default void resourceDeleted(String kind) {
    }

    /** An object of {@code kind} was published with validation errors. */
    default void invalidResource(String kind) {
    }

    /** An object of {@code kind} could not become a record at all and was not published. */
    default void unmappableResource(String kind) {
    }

    /** How many endpoints are being scraped, from now on. */
    default void scrapedEndpoints(IntSupplier endpoints) {
    }

    /** A scrape succeeded after {@code nanos}. */
    default void scraped(long nanos) {
    }

    /** A scrape failed for {@code reason} ({@code timeout}, {@code http_status}, ...) after {@code nanos}. */
    default void scrapeFailed(String reason, long nanos) {
    }
}
