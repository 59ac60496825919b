package io.inferrouter.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.support.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestorConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        IngestorConfig c = IngestorConfig.of(Map.of());
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.source()).isEqualTo("kubernetes");
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(8083);
        assertThat(c.scrapeInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.scrapeTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.namespaces()).isEmpty();
        assertThat(c.leaderElection()).isFalse();
        assertThat(c.leaseName()).isEqualTo("state-ingestor");
        assertThat(c.resync()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.owns(ResourceKey.parse("any/thing"))).isTrue();
    }

    @Test
    void environmentVariablesOverrideTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ingestor.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap-servers: kafka:9092
                namespaces: [llm, batch]
                scrape:
                  interval: 100ms
                  timeout: PT0.5S
                leader-election:
                  enabled: true
                  namespace: infra
                """);
        IngestorConfig c = IngestorConfig.from(IngestorConfig.SETTINGS.load(List.of("--config", file.toString()),
                Map.of("INGESTOR_SCRAPE_INTERVAL", "20ms", "INGESTOR_POD_LABEL_KEYS", "a, b")));
        assertThat(c.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(c.namespaces()).containsExactly("llm", "batch");
        assertThat(c.scrapeInterval()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.scrapeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.podLabelKeys()).containsExactlyInAnyOrder("a", "b");
        assertThat(c.leaderElection()).isTrue();
        assertThat(c.leaseNamespace()).isEqualTo("infra");
        assertThat(c.owns(ResourceKey.parse("llm/x"))).isTrue();
        assertThat(c.owns(ResourceKey.parse("other/x"))).isFalse();
    }

    @Test
    void everyDocumentedVariableMapsToAKeyTheConfigReads() {
        assertThat(IngestorConfig.SETTINGS.environment()).containsKeys("ROUTER_BOOTSTRAP_SERVERS", "INGESTOR_SOURCE",
                "INGESTOR_KUBECONFIG", "INGESTOR_MASTER_URL", "INGESTOR_NAMESPACES", "INGESTOR_FILES_DIR",
                "INGESTOR_SCRAPE_MAX_BACKOFF", "INGESTOR_LEASE_DURATION", "INGESTOR_RESYNC", "INGESTOR_SYNC_TIMEOUT");
        Map<String, String> env = Map.of("INGESTOR_SCRAPE_MAX_BACKOFF", "2s", "INGESTOR_RESYNC", "1m",
                "INGESTOR_SYNC_TIMEOUT", "5s", "INGESTOR_MASTER_URL", "http://127.0.0.1:6443",
                "INGESTOR_FILES_POLL_INTERVAL", "250");
        IngestorConfig c = IngestorConfig.from(IngestorConfig.SETTINGS.load(List.of(), env));
        assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.resync()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.syncTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.masterUrl()).isEqualTo("http://127.0.0.1:6443");
        assertThat(c.filesPollInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void badValuesFailWithTheKeyAndWhatIsExpected() {
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("source", "etcd"))).hasMessageContaining("INGESTOR_SOURCE")
                .hasMessageContaining("'kubernetes' or 'files'");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("source", "files"))).hasMessageContaining("files.dir");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("scrape.interval", "fast")))
                .hasMessageContaining("scrape.interval (INGESTOR_SCRAPE_INTERVAL) must be a duration such as 50ms");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("scrape.interval", "10s")))
                .hasMessageContaining("scrape.max-backoff (5s) must not be shorter than scrape.interval (10s)");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("http.port", "70000"))).hasMessageContaining("0-65535");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("http.port", "eighty"))).hasMessageContaining("integer");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("namespaces", "LLM"))).hasMessageContaining("'LLM'");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("leader-election.renew-deadline", "20s")))
                .hasMessageContaining("retry-period < renew-deadline < lease-duration");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("kubeconfig", "/k", "kubernetes.master-url", "http://x")))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("source", "files", "files.dir", "/m",
                "leader-election.enabled", "true"))).hasMessageContaining("needs source 'kubernetes'");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("kv-events.snapshot-interval", "20m")))
                .hasMessageContaining("kv-events.snapshot-interval").hasMessageContaining("at most 15m")
                .hasMessageContaining("kv.events");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("kv-events.replay-port", "5557")))
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("kv-events.port", "0"))).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("kv-events.replay-attempts", "0")))
                .hasMessageContaining("INGESTOR_KV_REPLAY_ATTEMPTS");
        assertThatThrownBy(() -> IngestorConfig.of(Map.of("leader-election.enabled", "maybe")))
                .hasMessageContaining("true or false");
    }

    @Test
    void durationsReadTheFormsOperatorsWrite() {
        assertThat(Durations.parse("k", "50ms")).isEqualTo(Duration.ofMillis(50));
        assertThat(Durations.parse("k", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("k", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("k", "PT0.05S")).isEqualTo(Duration.ofMillis(50));
        assertThat(Durations.parse("k", "75")).isEqualTo(Duration.ofMillis(75));
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
    }
}
