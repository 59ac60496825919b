package io.inferrouter.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.inferrouter.support.Setting;
import io.inferrouter.support.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminConfigTest {

    private static AdminConfig of(Map<String, String> env) {
        return AdminConfig.from(AdminConfig.SETTINGS.load(List.of(), env));
    }

    @Test
    void defaultsAreTheDocumentedAddresses() {
        AdminConfig c = of(Map.of());
        assertThat(c.httpPort()).isEqualTo(8081);
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.routingStreamUrl()).isEqualTo(URI.create("http://127.0.0.1:8082"));
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.kubernetes()).isTrue();
        assertThat(c.kubeconfig()).isNull();
        assertThat(c.masterUrl()).isNull();
        assertThat(c.recentDecisions()).isEqualTo(1000);
        assertThat(c.replayMaxRecords()).isEqualTo(10_000);
        assertThat(c.queryTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.replicationFactor()).isEqualTo((short) 1);
    }

    @Test
    void theDefaultsAreWhatTheTableShows() {
        Config empty = Settings.fromKeys(Map.of());
        for (Setting<?> s : AdminConfig.SETTINGS.all()) {
            if (s.shown().equals("(none)")) {
                assertThat(s.from(empty)).as(s.label()).isNull();
            } else {
                Config documented = Settings.fromKeys(Map.of(s.key(), s.shown()));
                assertThat(s.from(empty)).as(s.label()).isEqualTo(s.from(documented));
            }
        }
    }

    @Test
    void everyEnvironmentVariableSetsItsKey() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("ROUTER_BOOTSTRAP_SERVERS", "kafka:9092"),
                Map.entry("ADMIN_ROUTING_STREAM_URL", "http://rs:8082/"),
                Map.entry("ADMIN_HTTP_HOST", "0.0.0.0"),
                Map.entry("ADMIN_HTTP_PORT", "9081"),
                Map.entry("ADMIN_KUBERNETES", "false"),
                Map.entry("ADMIN_KUBECONFIG", "/etc/kube/config"),
                Map.entry("ADMIN_MASTER_URL", "http://api:6443"),
                Map.entry("ADMIN_RECENT_DECISIONS", "50"),
                Map.entry("ADMIN_REPLAY_MAX_RECORDS", "500"),
                Map.entry("ADMIN_QUERY_TIMEOUT", "PT2S"),
                Map.entry("ADMIN_REPLICATION_FACTOR", "3"));
        assertThat(env.keySet()).as("every variable is tried").isEqualTo(AdminConfig.SETTINGS.environment().keySet());
        AdminConfig c = of(env);
        assertThat(c.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(c.routingStreamUrl()).isEqualTo(URI.create("http://rs:8082"));
        assertThat(c.httpHost()).isEqualTo("0.0.0.0");
        assertThat(c.httpPort()).isEqualTo(9081);
        assertThat(c.kubernetes()).isFalse();
        assertThat(c.kubeconfig()).isEqualTo(Path.of("/etc/kube/config"));
        assertThat(c.masterUrl()).isEqualTo("http://api:6443");
        assertThat(c.recentDecisions()).isEqualTo(50);
        assertThat(c.replayMaxRecords()).isEqualTo(500);
        assertThat(c.queryTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.replicationFactor()).isEqualTo((short) 3);
    }

    @Test
    void aQueryTimeoutMayBeWrittenShort() {
        assertThat(of(Map.of("ADMIN_QUERY_TIMEOUT", "750ms")).queryTimeout()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void badValuesNameTheirKeyAndVariable() {
        assertThatThrownBy(() -> of(Map.of("ADMIN_ROUTING_STREAM_URL", "rs:8082")))
                .hasMessageContaining("ADMIN_ROUTING_STREAM_URL");
        assertThatThrownBy(() -> of(Map.of("ADMIN_HTTP_PORT", "70000"))).hasMessageContaining("ADMIN_HTTP_PORT");
        assertThatThrownBy(() -> of(Map.of("ADMIN_RECENT_DECISIONS", "0"))).hasMessageContaining("decisions.recent");
        assertThatThrownBy(() -> of(Map.of("ADMIN_QUERY_TIMEOUT", "5 seconds")))
                .hasMessageContaining("query-timeout (ADMIN_QUERY_TIMEOUT)").hasMessageContaining("PT0.05S");
        assertThatThrownBy(() -> of(Map.of("ADMIN_REPLICATION_FACTOR", "0")))
                .hasMessageContaining("replication-factor (ADMIN_REPLICATION_FACTOR)");
    }
}
