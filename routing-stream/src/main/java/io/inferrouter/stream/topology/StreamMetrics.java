package io.inferrouter.stream.topology;

/**
 * What the topology counts. A no-op by default; {@code MicrometerStreamMetrics} in production.
 */
public interface StreamMetrics {

    StreamMetrics NOOP = new StreamMetrics() {
    };

    /** A record on {@code topic} could not be read and was skipped. */
    default void poisonRecord(String topic) {
    }

    /** Processing a record failed at {@code processor} and the record was skipped. */
    default void processingError(String processor) {
    }

    /** A metrics record older than the one already applied was dropped. */
    default void outOfOrderMetrics() {
    }

    /** A metrics record arrived for an endpoint that is in no pool (kept for when it joins). */
    default void metricsWithoutMembership() {
    }

    /** Metrics of endpoints long gone from every pool were forgotten. */
    default void orphanedMetricsForgotten(int count) {
    }

    /** A row or tombstone was written to a table topic. */
    default void rowEmitted(String table) {
    }

    /** A record without a key, or with a key not of its topic's form, was skipped. */
    default void malformedKey(String topic) {
    }
}
