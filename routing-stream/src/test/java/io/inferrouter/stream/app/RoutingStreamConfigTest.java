package io.inferrouter.stream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.stream.topology.StreamMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingStreamConfigTest {

    private static RoutingStreamConfig fromEnvironment(Map<String, String> env) {
        return RoutingStreamConfig.from(RoutingStreamConfig.SETTINGS.load(List.of(), env));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        RoutingStreamConfig c = fromEnvironment(Map.of());
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.httpPort()).isEqualTo(8082);
        assertThat(c.applicationId()).isEqualTo("routing-stream");
        assertThat(c.processingGuarantee()).isEqualTo("at_least_once");
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.advertisedHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void everyDefaultIsTheOneTheTableShows() {
        RoutingStreamConfig c = fromEnvironment(Map.of());
        assertThat(RoutingStreamConfig.BOOTSTRAP_SERVERS.shown()).isEqualTo(c.bootstrapServers());
        assertThat(RoutingStreamConfig.APPLICATION_ID.shown()).isEqualTo(c.applicationId());
        assertThat(RoutingStreamConfig.STATE_DIR.shown()).isEqualTo("<java.io.tmpdir>/inferrouter-routing-stream");
        assertThat(c.stateDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "inferrouter-routing-stream"));
        assertThat(RoutingStreamConfig.HTTP_HOST.shown()).isEqualTo(c.httpHost());
        assertThat(RoutingStreamConfig.HTTP_PORT.shown()).isEqualTo(Integer.toString(c.httpPort()));
        assertThat(RoutingStreamConfig.ADVERTISED_HOST.shown()).isEqualTo("http.host");
        assertThat(c.advertisedHost()).isEqualTo(c.httpHost());
        assertThat(RoutingStreamConfig.STREAM_THREADS.shown()).isEqualTo(Integer.toString(c.streamThreads()));
        assertThat(RoutingStreamConfig.STANDBY_REPLICAS.shown()).isEqualTo(Integer.toString(c.standbyReplicas()));
        assertThat(RoutingStreamConfig.REPLICATION_FACTOR.shown()).isEqualTo(Short.toString(c.replicationFactor()));
        assertThat(RoutingStreamConfig.PROCESSING_GUARANTEE.shown()).isEqualTo(c.processingGuarantee());
        assertThat(RoutingStreamConfig.COMMIT_INTERVAL.shown()).isEqualTo("100ms");
        assertThat(RoutingStreamConfig.IN_MEMORY_STORES.shown()).isEqualTo(Boolean.toString(c.inMemoryStores()));
        assertThat(RoutingStreamConfig.ORPHAN_HORIZON.shown()).isEqualTo("10m");
        assertThat(c.orphanHorizon()).isEqualTo(Duration.ofMinutes(10));
        assertThat(RoutingStreamConfig.HISTORY_MAX_RECORDS.shown()).isEqualTo(Integer.toString(c.historyMaxRecords()));
        assertThat(RoutingStreamConfig.HISTORY_TIMEOUT.shown()).isEqualTo("4s");
        assertThat(c.historyTimeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void everyEnvironmentVariableIsHonoured() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("ROUTER_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"),
                Map.entry("ROUTING_STREAM_APPLICATION_ID", "rs-test"),
                Map.entry("ROUTING_STREAM_STATE_DIR", "/var/lib/rs"),
                Map.entry("ROUTING_STREAM_HTTP_HOST", "0.0.0.0"),
                Map.entry("ROUTING_STREAM_HTTP_PORT", "9082"),
                Map.entry("ROUTING_STREAM_ADVERTISED_HOST", "rs-0.rs"),
                Map.entry("ROUTING_STREAM_THREADS", "4"),
                Map.entry("ROUTING_STREAM_STANDBY_REPLICAS", "1"),
                Map.entry("ROUTING_STREAM_REPLICATION_FACTOR", "3"),
                Map.entry("ROUTING_STREAM_PROCESSING_GUARANTEE", "exactly_once_v2"),
                Map.entry("ROUTING_STREAM_COMMIT_INTERVAL", "250ms"),
                Map.entry("ROUTING_STREAM_IN_MEMORY_STORES", "true"),
                Map.entry("ROUTING_STREAM_ORPHAN_HORIZON", "1h"),
                Map.entry("ROUTING_STREAM_INSTANCE_ID", "rs-0"),
                Map.entry("ROUTING_STREAM_SESSION_TIMEOUT", "10s"),
                Map.entry("ROUTING_STREAM_HISTORY_MAX_RECORDS", "5000"),
                Map.entry("ROUTING_STREAM_HISTORY_TIMEOUT", "2s"));
        assertThat(RoutingStreamConfig.SETTINGS.environment().keySet()).isEqualTo(env.keySet());

        assertThat(fromEnvironment(env)).isEqualTo(new RoutingStreamConfig("k1:9092,k2:9092", "rs-test",
                Path.of("/var/lib/rs"), "0.0.0.0", 9082, "rs-0.rs", 4, 1, (short) 3, "exactly_once_v2",
                Duration.ofMillis(250), true, Duration.ofHours(1), "rs-0", Duration.ofSeconds(10), 5000,
                Duration.ofSeconds(2)));
    }

    @Test
    void environmentWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rs.yaml");
        Files.writeString(file, "kafka:\n  bootstrap-servers: file:9092\nhttp:\n  port: 9999\nstandby-replicas: 1\n");
        RoutingStreamConfig c = RoutingStreamConfig.from(RoutingStreamConfig.SETTINGS.load(
                List.of("--config", file.toString()), Map.of("ROUTER_BOOTSTRAP_SERVERS", "env:9092")));
        assertThat(c.bootstrapServers()).isEqualTo("env:9092");
        assertThat(c.httpPort()).isEqualTo(9999);
        assertThat(c.standbyReplicas()).isEqualTo(1);
    }

    @Test
    void standbyReplicasAndTheOtherClientOptionsReachTheStreamsProperties() {
        // given options set through the environment
        RoutingStreamConfig c = fromEnvironment(Map.of(
                "ROUTING_STREAM_STANDBY_REPLICAS", "2", "ROUTING_STREAM_THREADS", "3",
                "ROUTING_STREAM_PROCESSING_GUARANTEE", "exactly_once_v2", "ROUTING_STREAM_COMMIT_INTERVAL", "PT0.05S",
                "ROUTING_STREAM_ADVERTISED_HOST", "rs-0.rs"));

        // when the Streams client's properties are built from them
        StreamsConfig streams = new StreamsConfig(RoutingStreamApp.properties(c, 8082, StreamMetrics.NOOP));

        // then Streams reads them as set
        assertThat(streams.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(2);
        assertThat(streams.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(3);
        assertThat(streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(streams.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(50L);
        assertThat(streams.getString(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("rs-0.rs:8082");
    }

    @Test
    void byDefaultOneStandbyAndStaticMembershipUnderAStableIdWithASixSecondSession() {
        RoutingStreamConfig c = fromEnvironment(Map.of("ROUTING_STREAM_INSTANCE_ID", "rs-7"));
        StreamsConfig streams = new StreamsConfig(RoutingStreamApp.properties(c, 8082, StreamMetrics.NOOP));
        assertThat(streams.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        Map<String, Object> consumer = streams.getMainConsumerConfigs("rs", "rs-client", 0);
        assertThat(consumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)).isEqualTo("rs-7-0");
        assertThat(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(6_000);
        assertThat(consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).isEqualTo(1_500);
        assertThat(fromEnvironment(Map.of()).instanceId()).isNotBlank();
    }

    @Test
    void badValuesAreRejectedWithTheKeyName() {
        assertThatThrownBy(() -> fromEnvironment(Map.of("ROUTING_STREAM_PROCESSING_GUARANTEE", "maybe")))
                .hasMessageContaining("processing-guarantee (ROUTING_STREAM_PROCESSING_GUARANTEE)");
        assertThatThrownBy(() -> fromEnvironment(Map.of("ROUTING_STREAM_HTTP_PORT", "70000")))
                .hasMessageContaining("http.port (ROUTING_STREAM_HTTP_PORT)");
        assertThatThrownBy(() -> fromEnvironment(Map.of("ROUTING_STREAM_REPLICATION_FACTOR", "40000")))
                .hasMessageContaining("replication-factor (ROUTING_STREAM_REPLICATION_FACTOR)");
        assertThatThrownBy(() -> fromEnvironment(Map.of("ROUTING_STREAM_ORPHAN_HORIZON", "soon")))
                .hasMessageContaining("orphan-horizon (ROUTING_STREAM_ORPHAN_HORIZON)");
        assertThatThrownBy(() -> fromEnvironment(Map.of("ROUTING_STREAM_SESSION_TIMEOUT", "100ms")))
                .hasMessageContaining("session-timeout (ROUTING_STREAM_SESSION_TIMEOUT)");
        assertThatThrownBy(() -> fromEnvironment(Map.of("ROUTING_STREAM_HISTORY_MAX_RECORDS", "0")))
                .hasMessageContaining("history.max-records (ROUTING_STREAM_HISTORY_MAX_RECORDS)");
        assertThatThrownBy(() -> fromEnvironment(Map.of("ROUTING_STREAM_HISTORY_TIMEOUT", "0s")))
                .hasMessageContaining("history.timeout (ROUTING_STREAM_HISTORY_TIMEOUT)");
        assertThatThrownBy(() -> RoutingStreamConfig.SETTINGS.load(List.of("--config", "/nonexistent.yaml"), Map.of()))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> RoutingStreamConfig.SETTINGS.load(List.of("--bogus"), Map.of()))
                .hasMessageContaining("unknown argument");
    }
}
