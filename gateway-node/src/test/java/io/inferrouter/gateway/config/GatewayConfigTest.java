package io.inferrouter.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

    private static GatewayConfig load(List<String> args, Map<String, String> env) {
        return GatewayConfig.from(GatewayConfig.SETTINGS.load(args, env));
    }

    @Test
    void defaultsAreGiesStartingProfileAndTheDocumentedPort() {
        GatewayConfig c = load(List.of(), Map.of());
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.defaultProfile()).isEqualTo("default");
        assertThat(c.profiles().get("default").scorers()).containsExactly(Map.entry("queue", 2.0),
                Map.entry("kv-cache", 2.0), Map.entry("prefix-cache", 3.0));
        assertThat(c.saturationQueue()).isEqualTo(5);
        assertThat(c.saturationKvCache()).isEqualTo(0.8);
        assertThat(c.metricsStaleness()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.profiles()).containsKeys("random", "round-robin", "least-outstanding", "queue-kv", "lora");
    }

    @Test
    void profilesFromTheFileAreBuiltIntoSchedulers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                scheduler:
                  profile: mine
                  profiles:
                    mine:
                      filters: ["low-queue:8", "lora-affinity"]
                      scorers:
                        queue: 1
                        prefix-cache: 4
                      picker: max-score
                """);
        GatewayConfig c = load(List.of("--config", file.toString()), Map.of());
        assertThat(c.defaultProfile()).isEqualTo("mine");
        try (PrefixIndex index = new PrefixIndex(10, 10)) {
            Profiles profiles = Profiles.build(c, index);
            assertThat(profiles.get("mine").profile()).isEqualTo("mine");
        }
    }

    @Test
    void unknownPluginsAndBadValuesAreClearErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, "scheduler:\n  profiles:\n    bad:\n      scorers:\n        magic: 1\n");
        GatewayConfig c = load(List.of("--config", file.toString()), Map.of());
        try (PrefixIndex index = new PrefixIndex(10, 10)) {
            assertThatThrownBy(() -> Profiles.build(c, index)).hasMessageContaining("unknown scorer 'magic'");
        }
        assertThatThrownBy(() -> load(List.of(), Map.of("GATEWAY_SCHEDULER_PROFILE", "nope")))
                .hasMessageContaining("scheduler.profile 'nope'");
        assertThatThrownBy(() -> load(List.of(), Map.of("GATEWAY_SATURATION_KV_CACHE", "2")))
                .hasMessageContaining("kv-cache-threshold");
        assertThatThrownBy(() -> load(List.of(), Map.of("GATEWAY_METRICS_STALENESS", "-PT1S")))
                .hasMessageContaining("metrics-staleness");
        assertThatThrownBy(() -> load(List.of(), Map.of("GATEWAY_PEERS_PUBLISH_INTERVAL", "5s")))
                .hasMessageContaining("peers.publish-interval (GATEWAY_PEERS_PUBLISH_INTERVAL) must be 1 ms-1 s");
        assertThatThrownBy(() -> load(List.of(), Map.of("GATEWAY_PEERS_TIMEOUT", "20ms")))
                .hasMessageContaining("peers.timeout (GATEWAY_PEERS_TIMEOUT) must be more than three times");
        assertThatThrownBy(() -> load(List.of(), Map.of("GATEWAY_PEERS_RECOVERY_MAX_RECORDS", "-1")))
                .hasMessageContaining("peers.recovery-max-records");
        assertThat(load(List.of(), Map.of()).peers().heartbeat()).isEqualTo(java.time.Duration.ofSeconds(1));
    }

    @Test
    void tokenizersPerModelComeFromTheFileAndTheDefaultFromTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                tokenizers:
                  default: none
                  models:
                    - model: meta-llama/Llama-3.1-8B-Instruct
                      tokenizer: hf:/models/llama-3.1-8b/tokenizer.json
                    - model: sim-llama
                      tokenizer: sim
                precise-prefix:
                  max-tokens: 4096
                """);
        GatewayConfig c = load(List.of("--config", file.toString()), Map.of("GATEWAY_DEFAULT_TOKENIZER", "sim"));
        GatewayConfig.PrecisePrefix p = c.precisePrefix();
        assertThat(p.tokenizers()).containsEntry("meta-llama/Llama-3.1-8B-Instruct",
                "hf:/models/llama-3.1-8b/tokenizer.json").containsEntry("sim-llama", "sim");
        assertThat(p.defaultTokenizer()).isEqualTo("sim");
        assertThat(p.maxTokens()).isEqualTo(4096);
        assertThat(p.hashSeed()).isEqualTo("0");
        assertThat(p.maxBlocksPerEndpoint()).isEqualTo(131_072);
        assertThat(load(List.of(), Map.of()).precisePrefix()).isEqualTo(GatewayConfig.PrecisePrefix.defaults());

        Files.writeString(file, "tokenizers:\n  models:\n    - model: m\n      tokenizer: tiktoken\n");
        assertThatThrownBy(() -> load(List.of("--config", file.toString()), Map.of()))
                .hasMessageContaining("model 'm'").hasMessageContaining("tiktoken");
        assertThatThrownBy(() -> load(List.of(), Map.of("GATEWAY_DEFAULT_TOKENIZER", "bpe")))
                .hasMessageContaining("tokenizers.default");
    }

    @Test
    void thePreciseProfileIsTheDefaultOneWithPrecisePrefixAffinity() {
        GatewayConfig c = load(List.of(), Map.of());
        assertThat(c.profiles().get("precise").scorers()).containsExactly(Map.entry("queue", 2.0),
                Map.entry("kv-cache", 2.0), Map.entry("precise-prefix-cache", 3.0));
        try (PrefixIndex index = new PrefixIndex(10, 10)) {
            assertThat(Profiles.build(c, index).get("precise").profile()).isEqualTo("precise");
        }
        // Only a gateway whose requests can reach the precise scorer reads KV events.
        assertThat(Profiles.usesScorer(c, "precise-prefix-cache")).isFalse();
        assertThat(Profiles.usesScorer(load(List.of(), Map.of("GATEWAY_SCHEDULER_PROFILE", "precise")),
                "precise-prefix-cache")).isTrue();
        assertThat(Profiles.usesScorer(load(List.of(), Map.of("GATEWAY_ALLOW_PROFILE_HEADER", "true")),
                "precise-prefix-cache")).isTrue();
    }
}
