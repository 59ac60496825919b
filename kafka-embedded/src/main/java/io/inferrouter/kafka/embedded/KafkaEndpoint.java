package io.inferrouter.kafka.embedded;

/** Any Kafka cluster a test or the devstack can talk to: the embedded broker, a container, a real cluster. */
public interface KafkaEndpoint {

    /** The {@code bootstrap.servers} value for clients. */
    String bootstrapServers();
}
