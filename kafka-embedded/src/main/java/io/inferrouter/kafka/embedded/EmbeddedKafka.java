package io.inferrouter.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real one-node Kafka broker in KRaft mode (combined broker and controller) running inside this JVM,
 * from the Kafka jars on the classpath: no ZooKeeper, no Docker, no download. Used by the devstack and
 * by integration tests. Listens on loopback only.
 */
public final class EmbeddedKafka implements AutoCloseable, KafkaEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;
    private final boolean deleteOnClose;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path logDir, boolean deleteOnClose) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Formats the log directory if it is new, starts the broker and waits until it answers.
     *
     * @throws EmbeddedKafkaException when it cannot start; the message says why
     */
    public static EmbeddedKafka start(BrokerSettings settings) {
        long started = System.nanoTime();
        boolean temporary = settings.logDir() == null;
        Path dir;
        try {
            dir = temporary ? Files.createTempDirectory("embedded-kafka-") : Files.createDirectories(settings.logDir());
        } catch (IOException e) {
            throw new EmbeddedKafkaException("cannot create the broker's log directory " + settings.logDir() + ": " + e, e);
        }
        int port = settings.port() == 0 ? freePort(settings.host()) : settings.port();
        int controllerPort = settings.controllerPort() == 0 ? freePort(settings.host()) : settings.controllerPort();
        Properties props = brokerProperties(settings, dir, port, controllerPort);
        KafkaConfig config = new KafkaConfig(props, false);
        format(dir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            safeShutdown(server);
            throw new EmbeddedKafkaException("the embedded broker did not start on " + settings.host() + ":" + port
                    + " (is the port in use?): " + e.getMessage(), e);
        }
        String bootstrap = settings.host() + ":" + port;
        EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, dir, temporary);
        try {
            kafka.awaitReady();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("embedded kafka started bootstrap={} logDir={} tookMs={}", bootstrap, dir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return kafka;
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    /** Stops the broker, waits for it to finish, and deletes its data if it was temporary. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        safeShutdown(server);
        if (deleteOnClose) {
            deleteRecursively(logDir);
        }
        LOG.info("embedded kafka stopped bootstrap={}", bootstrapServers);
    }

    private static Properties brokerProperties(BrokerSettings s, Path dir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + s.host() + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + s.host() + ":" + port + ",CONTROLLER://" + s.host() + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + s.host() + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.toString());
        // One node: every internal topic has one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Consumer groups of a single-node dev broker need not wait for more members to join.
        p.put("group.initial.rebalance.delay.ms", "0");
        // And may notice a lost member within seconds: routing-stream's failover drills run with a 2-3 s session
        // (a stock broker refuses sessions under 6 s).
        p.put("group.min.session.timeout.ms", "1000");
        // Topics are created by the catalogue (TopicAdmin), so a typo shows up as an error, not a new topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("log.cleaner.dedupe.buffer.size", Long.toString(16L * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        s.overrides().forEach(p::put);
        return p;
    }

    private static void format(Path dir) {
        if (Files.exists(dir.resolve("meta.properties"))) {
            // Formatted by an earlier run: keep its cluster id and data.
            LOG.info("embedded kafka reusing formatted log directory dir={}", dir);
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(dir.toString())
                    .addDirectory(dir.toString())
                    .run();
        } catch (Exception e) {
            throw new EmbeddedKafkaException("cannot format the broker's log directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady() {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(conf)) {
            int nodes = admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            if (nodes < 1) {
                throw new EmbeddedKafkaException("the embedded broker reports no nodes", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted while waiting for the embedded broker", e);
        } catch (Exception e) {
            throw new EmbeddedKafkaException("the embedded broker at " + bootstrapServers + " did not answer within "
                    + READY_TIMEOUT + ": " + e.getMessage(), e);
        }
    }

    private static void safeShutdown(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("embedded kafka shutdown failed error={}", e.toString());
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedKafkaException("cannot find a free port on " + host + ": " + e, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete embedded kafka data dir={} error={}", dir, e.toString());
        }
    }
}
