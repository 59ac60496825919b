package io.inferrouter.schemas.topics;

/**
 * Headers of a record on the {@code dead-letters} topic, whoever writes it. The value is the unreadable
 * input as it was; the headers say why and where it came from. The first names are those of KIP-1034,
 * which Kafka Streams 4.2 writes itself for a record read from a topic; a service that reads something
 * other than a topic (state-ingestor's KV-event sockets) names its source with {@link #SOURCE}.
 */
public final class DeadLetterHeaders {

    /** Class name of the exception that made the input unreadable. */
    public static final String EXCEPTION = "__streams.errors.exception";
    /** The exception's message: why the input could not be read. */
    public static final String MESSAGE = "__streams.errors.message";
    /** Topic, partition and offset the record was read from (also the dead letter's key). */
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    /** The record's own key, which the dead letter's key replaces. */
    public static final String KEY = "inferrouter.dead-letter.key";
    /** Where input that did not come from a topic came from, e.g. {@code kv-events tcp://10.0.0.7:5557}. */
    public static final String SOURCE = "inferrouter.dead-letter.source";
    /** The endpoint ({@code namespace/pod:port}) whose input it was, when there is one. */
    public static final String ENDPOINT = "inferrouter.dead-letter.endpoint";

    private DeadLetterHeaders() {
    }
}
