package io.inferrouter.support;

import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.TopicAdmin;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Creates the catalogue's topics a service needs at start (or checks them), the same way in every service. */
public final class TopicSetup {

    private TopicSetup() {
    }

    /** A Kafka admin client whose calls give up after {@code timeout}. */
    public static Admin admin(String bootstrapServers, Duration timeout) {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 30_000),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms));
    }

    /**
     * Creates the missing {@code topics} and checks the existing ones.
     *
     * @throws TopicAdmin.TopicSetupException when the broker cannot be reached in time or a topic is wrong
     */
    public static TopicAdmin.Result ensure(String bootstrapServers, short replicationFactor, Duration timeout,
                                           Collection<Topic<?, ?>> topics) {
        try (Admin admin = admin(bootstrapServers, timeout)) {
            return new TopicAdmin(admin, replicationFactor, timeout).ensure(topics);
        }
    }
}
