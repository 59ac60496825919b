package io.inferrouter.stream.app;

import io.helidon.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of routing-stream, from a YAML file (optional) with environment variables on top.
 * Every option, its key, its variable and its default are listed in README.md.
 *
 * @param bootstrapServers     Kafka to read and write ({@code kafka.bootstrap-servers}, {@code ROUTER_BOOTSTRAP_SERVERS})
 * @param applicationId        Streams application id: names the consumer group, state and internal topics
 * @param stateDir             where RocksDB stores live
 * @param httpHost             host the query API binds to
 * @param httpPort             port of the query API (0 picks a free one)
 * @param advertisedHost       host other instances use to reach this one's query API
 * @param streamThreads        Streams threads
 * @param standbyReplicas      warm copies of each state store on other instances
 * @param replicationFactor    replication of internal topics, and of catalogue topics it creates
 * @param processingGuarantee  at_least_once or exactly_once_v2
 * @param commitInterval       how often offsets are committed
 * @param inMemoryStores       in-memory stores instead of RocksDB
 * @param orphanHorizon        how long metrics of an endpoint in no pool are kept
 */
public record RoutingStreamConfig(String bootstrapServers, String applicationId, Path stateDir, String httpHost,
                                  int httpPort, String advertisedHost, int streamThreads, int standbyReplicas,
                                  short replicationFactor, String processingGuarantee, Duration commitInterval,
                                  boolean inMemoryStores, Duration orphanHorizon) {

    private static final Set<String> GUARANTEES = Set.of("at_least_once", "exactly_once_v2");

    /** Environment variables and the config keys they set. */
    public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("ROUTER_BOOTSTRAP_SERVERS", "kafka.bootstrap-servers"),
            Map.entry("ROUTING_STREAM_APPLICATION_ID", "application-id"),
            Map.entry("ROUTING_STREAM_STATE_DIR", "state-dir"),
            Map.entry("ROUTING_STREAM_HTTP_HOST", "http.host"),
            Map.entry("ROUTING_STREAM_HTTP_PORT", "http.port"),
            Map.entry("ROUTING_STREAM_ADVERTISED_HOST", "advertised-host"),
            Map.entry("ROUTING_STREAM_THREADS", "stream-threads"),
            Map.entry("ROUTING_STREAM_STANDBY_REPLICAS", "standby-replicas"),
            Map.entry("ROUTING_STREAM_REPLICATION_FACTOR", "replication-factor"),
            Map.entry("ROUTING_STREAM_PROCESSING_GUARANTEE", "processing-guarantee"),
            Map.entry("ROUTING_STREAM_COMMIT_INTERVAL", "commit-interval"),
            Map.entry("ROUTING_STREAM_IN_MEMORY_STORES", "in-memory-stores"),
            Map.entry("ROUTING_STREAM_ORPHAN_HORIZON", "orphan-horizon"));

    public RoutingStreamConfig {
        require(bootstrapServers, "kafka.bootstrap-servers");
        require(applicationId, "application-id");
        if (stateDir == null) {
            throw new IllegalArgumentException("state-dir is required");
        }
        require(httpHost, "http.host");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("http.port must be 0-65535, was " + httpPort);
        }
        advertisedHost = advertisedHost == null || advertisedHost.isBlank() ? httpHost : advertisedHost;
        if (streamThreads < 1) {
            throw new IllegalArgumentException("stream-threads must be >= 1, was " + streamThreads);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standby-replicas must be >= 0, was " + standbyReplicas);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication-factor must be >= 1, was " + replicationFactor);
        }
        if (!GUARANTEES.contains(processingGuarantee)) {
            throw new IllegalArgumentException("processing-guarantee must be one of " + GUARANTEES + ", was '"
                    + processingGuarantee + "'");
        }
        if (commitInterval == null || commitInterval.isNegative()) {
            throw new IllegalArgumentException("commit-interval must be a positive duration, was " + commitInterval);
        }
        if (orphanHorizon == null || orphanHorizon.isNegative() || orphanHorizon.isZero()) {
            throw new IllegalArgumentException("orphan-horizon must be a positive duration, was " + orphanHorizon);
        }
    }

    /** Reads the options under the config's root; absent keys take the defaults. */
    public static RoutingStreamConfig from(Config c) {
        return new RoutingStreamConfig(
                c.get("kafka.bootstrap-servers").asString().orElse("127.0.0.1:9092"),
                c.get("application-id").asString().orElse("routing-stream"),
                Path.of(c.get("state-dir").asString()
                        .orElse(Path.of(System.getProperty("java.io.tmpdir"), "inferrouter-routing-stream").toString())),
                c.get("http.host").asString().orElse("127.0.0.1"),
                c.get("http.port").asInt().orElse(8082),
                c.get("advertised-host").asString().orElse(null),
                c.get("stream-threads").asInt().orElse(1),
                c.get("standby-replicas").asInt().orElse(0),
                c.get("replication-factor").asInt().orElse(1).shortValue(),
                c.get("processing-guarantee").asString().orElse("at_least_once"),
                c.get("commit-interval").as(Duration.class).orElse(Duration.ofMillis(100)),
                c.get("in-memory-stores").asBoolean().orElse(false),
                c.get("orphan-horizon").as(Duration.class).orElse(Duration.ofMinutes(10)));
    }

    private static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
    }
}
