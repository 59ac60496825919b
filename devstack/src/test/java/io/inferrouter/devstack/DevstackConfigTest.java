package io.inferrouter.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.support.ReadmeSection;
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
                .hasMessageContaining("kafka-port (ROUTER_KAFKA_PORT) must be an integer");
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--bogus"), Map.of()))
                .hasMessageContaining("unknown option '--bogus'");
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--data-dir"), Map.of()))
                .hasMessageContaining("--data-dir needs a value");
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--kafka-port", "70000"), Map.of()))
                .hasMessageContaining("0-65535");
    }

    @Test
    void modelServersNameAPoolAndAnIpAddress() {
        DevstackConfig c = DevstackConfig.parse(List.of("--sim-pods", "0", "--model-server", "llama=10.1.2.3",
                "--model-server", "team-a/qwen=10.1.2.4"), Map.of());
        assertThat(c.modelServers()).extracting(s -> s.pool() + "@" + s.address())
                .containsExactly("llm/llama@10.1.2.3", "team-a/qwen@10.1.2.4");
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--model-server", "10.1.2.3"), Map.of()))
                .hasMessageContaining("[NAMESPACE/]POOL=IP");
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--model-server", "llama=vllm.local"), Map.of()))
                .hasMessageContaining("must be an IPv4 address");
        assertThatThrownBy(() -> DevstackConfig.parse(List.of("--kubeconfig", "k", "--model-server", "llama=10.1.2.3"),
                Map.of())).hasMessageContaining("with --kubeconfig");
    }

    @Test
    void theDefaultSeedIsTheCrdsAndTheExamples() {
        assertThat(DevstackConfig.DEFAULT_MANIFESTS).containsExactly(Path.of("deploy", "crds"), Path.of("deploy", "examples"));
    }

    @Test
    void everyOptionHasAnEnvironmentVariableThatTheFlagOverrides() {
        DevstackConfig c = DevstackConfig.parse(List.of("--gateway-port", "9000"), Map.of("ROUTER_GATEWAY_PORT", "9100",
                "ROUTER_SIM_PODS", "3", "ROUTER_CLEAN", "true", "ROUTER_MANIFESTS", "a.yaml,b.yaml"));
        assertThat(c.gatewayPort()).isEqualTo(9000);
        assertThat(c.simPods()).isEqualTo(3);
        assertThat(c.clean()).isTrue();
        assertThat(c.manifests()).containsExactly(Path.of("a.yaml"), Path.of("b.yaml"));
        assertThat(DevstackConfig.SETTINGS.all()).allSatisfy(s -> assertThat(s.env()).startsWith("ROUTER_"));
    }

    @Test
    void readmeOptionsTableIsGeneratedFromTheSettings() throws Exception {
        assertThat(ReadmeSection.read(Path.of("..", "README.md"), DevstackConfig.SETTINGS.marker()))
                .as("README ./dev up options; paste DevstackConfig.SETTINGS.markdownFlags()")
                .isEqualTo(DevstackConfig.SETTINGS.markdownFlags());
    }
}
