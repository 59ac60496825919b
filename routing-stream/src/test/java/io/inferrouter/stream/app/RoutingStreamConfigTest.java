package io.inferrouter.stream.app;

import io.inferrouter.support.ConfigLoader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.inferrouter.stream.topology.StreamMetrics;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingStreamConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        RoutingStreamConfig c = RoutingStreamConfig.from(ConfigLoader.load(List.of(), Map.of(),
                RoutingStreamConfig.ENVIRONMENT));
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.httpPort()).isEqualTo(8082);
        assertThat(c.applicationId()).isEqualTo("routing-stream");
        assertThat(c.processingGuarantee()).isEqualTo("at_least_once");
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.advertisedHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void environmentWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rs.yaml");
        Files.writeString(file, "kafka:\n  bootstrap-servers: file:9092\nhttp:\n  port: 9999\nstandby-replicas: 1\n");
        RoutingStreamConfig c = RoutingStreamConfig.from(ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("ROUTER_BOOTSTRAP_SERVERS", "env:9092"), RoutingStreamConfig.ENVIRONMENT));
        assertThat(c.bootstrapServers()).isEqualTo("env:9092");
        assertThat(c.httpPort()).isEqualTo(9999);
        assertThat(c.standbyReplicas()).isEqualTo(1);
    }

    @Test
    void standbyReplicasAndTheOtherClientOptionsReachTheStreamsProperties() {
        // given options set through the environment
        RoutingStreamConfig c = RoutingStreamConfig.from(ConfigLoader.load(List.of(), Map.of(
                "ROUTING_STREAM_STANDBY_REPLICAS", "2", "ROUTING_STREAM_THREADS", "3",
                "ROUTING_STREAM_PROCESSING_GUARANTEE", "exactly_once_v2", "ROUTING_STREAM_COMMIT_INTERVAL", "PT0.05S",
                "ROUTING_STREAM_ADVERTISED_HOST", "rs-0.rs"), RoutingStreamConfig.ENVIRONMENT));

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
    void noStandbyReplicasByDefault() {
        RoutingStreamConfig c = RoutingStreamConfig.from(ConfigLoader.load(List.of(), Map.of(),
                RoutingStreamConfig.ENVIRONMENT));
        StreamsConfig streams = new StreamsConfig(RoutingStreamApp.properties(c, 8082, StreamMetrics.NOOP));
        assertThat(streams.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isZero();
    }

    @Test
    void badValuesAreRejectedWithTheKeyName() {
        assertThatThrownBy(() -> RoutingStreamConfig.from(ConfigLoader.load(List.of(),
                Map.of("ROUTING_STREAM_PROCESSING_GUARANTEE", "maybe"), RoutingStreamConfig.ENVIRONMENT)))
                .hasMessageContaining("processing-guarantee");
        assertThatThrownBy(() -> RoutingStreamConfig.from(ConfigLoader.load(List.of(),
                Map.of("ROUTING_STREAM_HTTP_PORT", "70000"), RoutingStreamConfig.ENVIRONMENT)))
                .hasMessageContaining("http.port");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", "/nonexistent.yaml"), Map.of(),
                RoutingStreamConfig.ENVIRONMENT)).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--bogus"), Map.of(), RoutingStreamConfig.ENVIRONMENT))
                .hasMessageContaining("unknown argument");
    }
}
