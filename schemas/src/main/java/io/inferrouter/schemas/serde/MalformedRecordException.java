package io.inferrouter.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes do not make a valid value of the topic's type. This is the one exception type
 * every deserializer of this project throws for bad input; callers catch it, count the record,
 * log it and skip it (or send it to the dead-letter topic). Being a Kafka
 * {@link SerializationException}, Kafka Streams' deserialization exception handlers see it too.
 */
public class MalformedRecordException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String type;

    public MalformedRecordException(String topic, String type, String reason, Throwable cause) {
        super("malformed " + type + " record on topic '" + topic + "': " + reason, cause);
        this.topic = topic;
        this.type = type;
    }

    public String topic() {
        return topic;
    }

    /** The simple name of the type the bytes were meant to be. */
    public String type() {
        return type;
    }
}
