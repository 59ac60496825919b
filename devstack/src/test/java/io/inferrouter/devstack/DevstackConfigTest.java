package io.inferrouter.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevstackConfigTest {

    @Test
    void defaultsAreTheDocumentedAddresses() {
        DevstackConfig c = DevstackConfig.parse(List.of(), Map.of());
        assertThat(c.kafkaHost()).isEqualTo("127.0.0.1");
        assertThat(c.kafkaPort()).isEqualTo(9092);
        assertThat(c.embeddedKafka()).isTrue();
        assertThat(c.dataDir()).isEqualTo(Path.of(".devstack"));
    }

    @Test
    void flagsWinOverEnvironment() {
        DevstackConfig c = DevstackConfig.parse(List.of("--kafka-port", "19092", "--data-dir", "/tmp/x", "--clean"),
                Map.of("ROUTER_KAFKA_PORT", "29092", "ROUTER_DATA_DIR", "/tmp/y"));
        assertThat(c.kafkaPort()).isEqualTo(19092);
        assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(c.clean()).isTrue();
    }

    @Test
    void anExternalKafkaTurnsTheEmbeddedBrokerOff() {
        DevstackConfig c = DevstackConfig.parse(List.of(), Map.of("ROUTER_BOOTSTRAP_SERVERS", "kafka:9092"));
        assertThat(c.embeddedKafka()).isFalse();
        assertThat(c.bootstrapServers()).isEqualTo("kafka:9092");
    }

    @Test
    void badInputIsAClearError() {
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--kafka-port", "nine"), Map.of()))
                .hasMessageContaining("--kafka-port must be a number");
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--bogus"), Map.of()))
                .hasMessageContaining("unknown option '--bogus'");
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--data-dir"), Map.of()))
                .hasMessageContaining("--data-dir needs a value");
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--kafka-port", "70000"), Map.of()))
                .hasMessageContaining("0-65535");
    }
}
