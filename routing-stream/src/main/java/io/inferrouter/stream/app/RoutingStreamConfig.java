package io.inferrouter.stream.app;

import io.helidon.config.Config;
import io.inferrouter.support.InstanceNames;
import io.inferrouter.support.Setting;
import io.inferrouter.support.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Configuration of routing-stream, from a YAML file (optional) with environment variables on top.
 * Each component's {@link Setting} (key, variable, default, meaning) stands beside it in the same
 * order; {@link #SETTINGS} renders the README's table from them.
 *
 * @param bootstrapServers     Kafka to read and write
 * @param applicationId        Streams application id: names the consumer group, state and internal topics
 * @param stateDir             where RocksDB stores live
 * @param httpHost             host the query API binds to
 * @param httpPort             port of the query API (0 picks a free one)
 * @param advertisedHost       host other instances use to reach this one's query API (null: httpHost)
 * @param streamThreads        Streams threads
 * @param standbyReplicas      warm copies of each state store on other instances
 * @param replicationFactor    replication of internal topics, and of catalogue topics it creates
 * @param processingGuarantee  at_least_once or exactly_once_v2
 * @param commitInterval       how often offsets are committed
 * @param inMemoryStores       in-memory stores instead of RocksDB
 * @param orphanHorizon        how long metrics of an endpoint in no pool are kept
 * @param instanceId           this instance's static group membership id (Kafka's {@code group.instance.id})
 * @param sessionTimeout       how long the group waits for a silent instance before its tasks move
 * @param historyMaxRecords    records one {@code ?at=} pool query may read from the table topics at most
 * @param historyTimeout       how long one {@code ?at=} pool query may take at most
 */
public record RoutingStreamConfig(String bootstrapServers, String applicationId, Path stateDir, String httpHost,
                                  int httpPort, String advertisedHost, int streamThreads, int standbyReplicas,
                                  short replicationFactor, String processingGuarantee, Duration commitInterval,
                                  boolean inMemoryStores, Duration orphanHorizon, String instanceId,
                                  Duration sessionTimeout, int historyMaxRecords, Duration historyTimeout) {

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("kafka.bootstrap-servers",
            "ROUTER_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "Kafka bootstrap servers to read and write");
    public static final Setting<String> APPLICATION_ID = Setting.text("application-id",
            "ROUTING_STREAM_APPLICATION_ID", "routing-stream",
            "Streams application id: names the consumer group, the state and the internal topics");
    public static final Setting<Path> STATE_DIR = Setting.path("state-dir", "ROUTING_STREAM_STATE_DIR", null,
            "where the RocksDB state stores live").computedDefault(
            () -> Path.of(System.getProperty("java.io.tmpdir"), "inferrouter-routing-stream"),
            "<java.io.tmpdir>/inferrouter-routing-stream");
    public static final Setting<String> HTTP_HOST = Setting.text("http.host", "ROUTING_STREAM_HTTP_HOST",
            "127.0.0.1", "host the query API binds to");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("http.port", "ROUTING_STREAM_HTTP_PORT", 8082,
            "port of the query API (0 picks a free one)");
    public static final Setting<String> ADVERTISED_HOST = Setting.text("advertised-host",
            "ROUTING_STREAM_ADVERTISED_HOST", null,
            "host other instances use to reach this one's query API; unset, the value of http.host")
            .computedDefault(() -> null, "http.host");
    public static final Setting<Integer> STREAM_THREADS = Setting.integer("stream-threads", "ROUTING_STREAM_THREADS",
            1, "Streams threads");
    public static final Setting<Integer> STANDBY_REPLICAS = Setting.integer("standby-replicas",
            "ROUTING_STREAM_STANDBY_REPLICAS", 1, "warm copies of each state store on other instances, so a lost "
                    + "instance's tables move to one that holds them already (no effect with one instance)");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer("replication-factor",
            "ROUTING_STREAM_REPLICATION_FACTOR", 1,
            "replication of the internal topics, and of the catalogue topics it creates");
    public static final Setting<String> PROCESSING_GUARANTEE = Setting.text("processing-guarantee",
            "ROUTING_STREAM_PROCESSING_GUARANTEE", "at_least_once", "at_least_once or exactly_once_v2");
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.duration("commit-interval",
            "ROUTING_STREAM_COMMIT_INTERVAL", Duration.ofMillis(100), "how often offsets are committed");
    public static final Setting<Boolean> IN_MEMORY_STORES = Setting.flag("in-memory-stores",
            "ROUTING_STREAM_IN_MEMORY_STORES", false,
            "in-memory state stores instead of RocksDB (restored from their changelogs at start)");
    public static final Setting<Duration> ORPHAN_HORIZON = Setting.duration("orphan-horizon",
            "ROUTING_STREAM_ORPHAN_HORIZON", Duration.ofMinutes(10),
            "how long metrics of an endpoint in no pool are kept (stream time)");

    public static final Setting<String> INSTANCE_ID = Setting.text("instance-id", "ROUTING_STREAM_INSTANCE_ID", null,
            "static group membership id (`group.instance.id`), unique per instance and the same across its restarts: "
                    + "an instance back within the session timeout takes its tasks back without a rebalance")
            .computedDefault(() -> InstanceNames.podOr("routing-stream"),
                    "$HOSTNAME (a pod's name), else routing-stream-<host>-<pid>");
    public static final Setting<Duration> SESSION_TIMEOUT = Setting.duration("session-timeout",
            "ROUTING_STREAM_SESSION_TIMEOUT", Duration.ofSeconds(6), "how long the group waits for an instance that "
                    + "stopped heartbeating (killed, partitioned) before its tasks move to another; the broker's "
                    + "group.min.session.timeout.ms (6 s by default) bounds it from below");

    public static final Setting<Integer> HISTORY_MAX_RECORDS = Setting.integer("history.max-records",
            "ROUTING_STREAM_HISTORY_MAX_RECORDS", 1_000_000, "records one `GET /v1/pools/{ns}/{name}?at=` query may "
                    + "read from the table topics at most; beyond it the query is refused (422)");
    public static final Setting<Duration> HISTORY_TIMEOUT = Setting.duration("history.timeout",
            "ROUTING_STREAM_HISTORY_TIMEOUT", Duration.ofSeconds(4), "how long one `?at=` pool query may take at "
                    + "most (504 beyond it); below admin-ui's query-timeout, so its users see why");

    /** Every setting, in the order of the README's table. */
    public static final Settings SETTINGS = Settings.of("routing-stream", BOOTSTRAP_SERVERS, APPLICATION_ID,
            STATE_DIR, HTTP_HOST, HTTP_PORT, ADVERTISED_HOST, STREAM_THREADS, STANDBY_REPLICAS, REPLICATION_FACTOR,
            PROCESSING_GUARANTEE, COMMIT_INTERVAL, IN_MEMORY_STORES, ORPHAN_HORIZON, INSTANCE_ID, SESSION_TIMEOUT,
            HISTORY_MAX_RECORDS, HISTORY_TIMEOUT);

    private static final Set<String> GUARANTEES = Set.of("at_least_once", "exactly_once_v2");

    public RoutingStreamConfig {
        require(bootstrapServers, BOOTSTRAP_SERVERS);
        require(applicationId, APPLICATION_ID);
        if (stateDir == null) {
            throw new IllegalArgumentException(STATE_DIR.label() + " is required");
        }
        require(httpHost, HTTP_HOST);
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException(HTTP_PORT.label() + " must be 0-65535, was " + httpPort);
        }
        advertisedHost = advertisedHost == null || advertisedHost.isBlank() ? httpHost : advertisedHost;
        if (streamThreads < 1) {
            throw new IllegalArgumentException(STREAM_THREADS.label() + " must be >= 1, was " + streamThreads);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException(STANDBY_REPLICAS.label() + " must be >= 0, was " + standbyReplicas);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException(REPLICATION_FACTOR.label() + " must be >= 1, was " + replicationFactor);
        }
        if (!GUARANTEES.contains(processingGuarantee)) {
            throw new IllegalArgumentException(PROCESSING_GUARANTEE.label() + " must be one of " + GUARANTEES
                    + ", was '" + processingGuarantee + "'");
        }
        if (commitInterval == null || commitInterval.isNegative()) {
            throw new IllegalArgumentException(COMMIT_INTERVAL.label() + " must be a positive duration, was "
                    + commitInterval);
        }
        if (orphanHorizon == null || orphanHorizon.isNegative() || orphanHorizon.isZero()) {
            throw new IllegalArgumentException(ORPHAN_HORIZON.label() + " must be a positive duration, was "
                    + orphanHorizon);
        }
        require(instanceId, INSTANCE_ID);
        if (sessionTimeout == null || sessionTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(SESSION_TIMEOUT.label() + " must be at least 1 s, was " + sessionTimeout);
        }
        if (historyMaxRecords < 1) {
            throw new IllegalArgumentException(HISTORY_MAX_RECORDS.label() + " must be >= 1, was " + historyMaxRecords);
        }
        if (historyTimeout == null || historyTimeout.isNegative() || historyTimeout.isZero()) {
            throw new IllegalArgumentException(HISTORY_TIMEOUT.label() + " must be a positive duration, was "
                    + historyTimeout);
        }
    }

    /** A configuration whose {@code ?at=} queries have the default limits. */
    public RoutingStreamConfig(String bootstrapServers, String applicationId, Path stateDir, String httpHost,
                               int httpPort, String advertisedHost, int streamThreads, int standbyReplicas,
                               short replicationFactor, String processingGuarantee, Duration commitInterval,
                               boolean inMemoryStores, Duration orphanHorizon, String instanceId,
                               Duration sessionTimeout) {
        this(bootstrapServers, applicationId, stateDir, httpHost, httpPort, advertisedHost, streamThreads,
                standbyReplicas, replicationFactor, processingGuarantee, commitInterval, inMemoryStores, orphanHorizon,
                instanceId, sessionTimeout, HISTORY_MAX_RECORDS.fallback().get(), HISTORY_TIMEOUT.fallback().get());
    }

    /** Reads the settings under the config's root; unset ones take their defaults. */
    public static RoutingStreamConfig from(Config c) {
        return new RoutingStreamConfig(BOOTSTRAP_SERVERS.from(c), APPLICATION_ID.from(c), STATE_DIR.from(c),
                HTTP_HOST.from(c), HTTP_PORT.from(c), ADVERTISED_HOST.from(c), STREAM_THREADS.from(c),
                STANDBY_REPLICAS.from(c), replicationFactor(REPLICATION_FACTOR.from(c)), PROCESSING_GUARANTEE.from(c),
                COMMIT_INTERVAL.from(c), IN_MEMORY_STORES.from(c), ORPHAN_HORIZON.from(c), INSTANCE_ID.from(c),
                SESSION_TIMEOUT.from(c), HISTORY_MAX_RECORDS.from(c), HISTORY_TIMEOUT.from(c));
    }

    /** Kafka takes a short; a larger number is a typo, not a replication factor. */
    private static short replicationFactor(int value) {
        if (value < 1 || value > Short.MAX_VALUE) {
            throw new IllegalArgumentException(REPLICATION_FACTOR.label() + " must be 1-" + Short.MAX_VALUE
                    + ", was " + value);
        }
        return (short) value;
    }

    private static void require(String value, Setting<String> setting) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting.label() + " is required");
        }
    }
}
