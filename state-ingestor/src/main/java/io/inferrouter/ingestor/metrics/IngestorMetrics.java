package io.inferrouter.ingestor.metrics;

import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * What state-ingestor counts, times and reports. A no-op by default; {@link MicrometerIngestorMetrics}
 * in production. Called from the scrape loops and producer callbacks: implementations must not block.
 *
 * <p>The methods taking an object and a function register a value read from that object whenever the
 * metrics are read. The object is held weakly: the registry is shared (the devstack and tests start
 * many ingestors on one), and a closed part must still be collectable. So pass a function that does
 * not capture the object, a method reference on its type ({@code AtomicBoolean::get}), never one on
 * the instance ({@code flag::get}).
 */
public interface IngestorMetrics {

    IngestorMetrics NOOP = new IngestorMetrics() {
    };

    /** Whether this replica publishes and scrapes (leader, or no election), read from {@code holder}. */
    default <T> void leader(T holder, Predicate<? super T> leader) {
    }

    /** Whether /ready answers 200, read from {@code ingestor}. */
    default <T> void ready(T ingestor, Predicate<? super T> ready) {
    }

    /** Whether the last probe of the Kafka cluster answered, read from {@code probe}. */
    default <T> void kafkaReachable(T probe, Predicate<? super T> reachable) {
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
    default <T> void informer(String kind, String namespace, T informer, Predicate<? super T> watching,
                              Predicate<? super T> synced) {
    }

    /** When the source last reported a change of {@code kind} (epoch ms, 0 for never), read from {@code holder}. */
    default <T> void lastEvent(String kind, T holder, ToLongFunction<? super T> lastEventAtMs) {
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

    /** How many endpoints are being scraped, read from {@code holder}. */
    default <T> void scrapedEndpoints(T holder, ToIntFunction<? super T> endpoints) {
    }

    /** A scrape succeeded after {@code nanos}. */
    default void scraped(long nanos) {
    }

    /** A scrape failed for {@code reason} ({@code timeout}, {@code http_status}, ...) after {@code nanos}. */
    default void scrapeFailed(String reason, long nanos) {
    }

    /** How many endpoints' KV events are subscribed to now, read from {@code holder}. */
    default <T> void kvEndpoints(T holder, ToIntFunction<? super T> endpoints) {
    }

    /** A KV-event batch of {@code events} events was applied to its endpoint's blocks. */
    default void kvBatch(int events) {
    }

    /** A batch (or more) of an endpoint's KV events was missed: the sequence skipped. */
    default void kvGap() {
    }

    /**
     * A replay request ended: {@code complete}, {@code incomplete} (the pod no longer had every batch
     * asked for), {@code unanswered} (no answer after every attempt) or {@code restart} (the answer
     * showed a restarted pod).
     */
    default void kvReplay(String outcome) {
    }

    /** A RESET was written for an endpoint: {@code restart}, {@code gap}, {@code left} or {@code overflow}. */
    default void kvReset(String reason) {
    }

    /** A SNAPSHOT of an endpoint's blocks was written. */
    default void kvSnapshot() {
    }

    /** A KV-event message could not be read ({@code frames}, {@code seq}, {@code payload}); it went to dead letters. */
    default void kvMalformed(String reason) {
    }

    /** A KV-event record was not handed to Kafka: the hand-off queue was full (a snapshot follows). */
    default void kvDropped() {
    }

    /** The broker acknowledged a KV-event batch {@code nanos} after its message was received. */
    default void kvPublished(long nanos) {
    }
}
