package io.inferrouter.devstack;

import io.inferrouter.kafka.embedded.BrokerSettings;
import io.inferrouter.kafka.embedded.EmbeddedKafka;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running embedded default: the parts it started, in start order, stopped in reverse.
 * Each service talks to the others only through Kafka and HTTP, as in production.
 */
public final class Devstack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Devstack.class);

    private final DevstackConfig config;
    private final String bootstrapServers;
    private final Deque<AutoCloseable> parts;

    private Devstack(DevstackConfig config, String bootstrapServers, Deque<AutoCloseable> parts) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.parts = parts;
    }

    /** Starts everything in data-flow order; on failure stops what had started and rethrows. */
    public static Devstack start(DevstackConfig config) {
        Deque<AutoCloseable> parts = new ArrayDeque<>();
        try {
            prepareDataDir(config);
            String bootstrap;
            if (config.embeddedKafka()) {
                EmbeddedKafka kafka = EmbeddedKafka.start(new BrokerSettings(config.kafkaHost(), config.kafkaPort(), 0,
                        config.dataDir().resolve("kafka"), Map.of()));
                parts.push(kafka);
                bootstrap = kafka.bootstrapServers();
            } else {
                bootstrap = config.bootstrapServers();
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                new TopicAdmin(admin, config.replicationFactor(), Duration.ofSeconds(30)).ensure(Topics.all());
            }
            return new Devstack(config, bootstrap, parts);
        } catch (RuntimeException e) {
            closeAll(parts);
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public DevstackConfig config() {
        return config;
    }

    @Override
    public void close() {
        closeAll(parts);
    }

    private static void closeAll(Deque<AutoCloseable> parts) {
        while (!parts.isEmpty()) {
            AutoCloseable part = parts.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("stopping part failed part={} error={}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private static void prepareDataDir(DevstackConfig config) {
        Path dir = config.dataDir();
        try {
            if (config.clean() && Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                        try {
                            Files.delete(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
            Files.createDirectories(dir);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot prepare the data directory " + dir.toAbsolutePath() + ": " + e, e);
        }
    }
}
