package io.inferrouter.stream.topology;

/**
 * Headers of a record on the {@code dead-letters} topic. The names are those of KIP-1034, which Kafka
 * Streams 4.2 writes itself ({@code errors.deadletterqueue.topic.name}); 4.1 has no dead-letter
 * support, so the topology writes them, and readers of the topic will not change when it moves on.
 */
public final class DeadLetterHeaders {

    /** Class name of the exception that made the record unreadable. */
    public static final String EXCEPTION = "__streams.errors.exception";
    /** The exception's message: why the record could not be read. */
    public static final String MESSAGE = "__streams.errors.message";
    /** Topic, partition and offset the record was read from (also the dead letter's key). */
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    /** The record's own key, which the dead letter's key replaces. */
    public static final String KEY = "inferrouter.dead-letter.key";

    private DeadLetterHeaders() {
    }
}
