package io.inferrouter.kafka.embedded;

/** The embedded broker could not be started or reached; the message says what to check. */
public final class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
