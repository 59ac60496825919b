package io.inferrouter.kafka.embedded;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same contract against the official apache/kafka image, where a Docker engine exists.
 * Without Docker (as on the project's build machines) the whole class is skipped, not failed.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaIT extends CatalogueRoundTripContract {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @Override
    protected KafkaEndpoint kafka() {
        return KAFKA::getBootstrapServers;
    }
}
