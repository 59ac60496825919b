package io.inferrouter.stream.app;

import io.inferrouter.support.ConfigLoader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
