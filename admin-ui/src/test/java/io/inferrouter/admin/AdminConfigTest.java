package io.inferrouter.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.support.ConfigLoader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminConfigTest {

    private static AdminConfig of(Map<String, String> env) {
        return AdminConfig.from(ConfigLoader.load(List.of(), env, AdminConfig.ENVIRONMENT));
    }

    @Test
    void defaultsAreTheDocumentedAddresses() {
        AdminConfig c = of(Map.of());
        assertThat(c.httpPort()).isEqualTo(8081);
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.routingStreamUrl()).isEqualTo(URI.create("http://127.0.0.1:8082"));
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.kubernetes()).isTrue();
        assertThat(c.recentDecisions()).isEqualTo(1000);
        assertThat(c.replayMaxRecords()).isEqualTo(10_000);
        assertThat(c.queryTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void environmentVariablesSetTheirKeys() {
        AdminConfig c = of(Map.of("ADMIN_HTTP_PORT", "9081", "ADMIN_ROUTING_STREAM_URL", "http://rs:8082/",
                "ADMIN_KUBERNETES", "false", "ROUTER_BOOTSTRAP_SERVERS", "kafka:9092", "ADMIN_RECENT_DECISIONS", "50"));
        assertThat(c.httpPort()).isEqualTo(9081);
        assertThat(c.routingStreamUrl()).isEqualTo(URI.create("http://rs:8082"));
        assertThat(c.kubernetes()).isFalse();
        assertThat(c.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(c.recentDecisions()).isEqualTo(50);
    }

    @Test
    void badValuesNameTheirKeyAndVariable() {
        assertThatThrownBy(() -> of(Map.of("ADMIN_ROUTING_STREAM_URL", "rs:8082")))
                .hasMessageContaining("ADMIN_ROUTING_STREAM_URL");
        assertThatThrownBy(() -> of(Map.of("ADMIN_HTTP_PORT", "70000"))).hasMessageContaining("ADMIN_HTTP_PORT");
        assertThatThrownBy(() -> of(Map.of("ADMIN_RECENT_DECISIONS", "0"))).hasMessageContaining("decisions.recent");
        assertThatThrownBy(() -> of(Map.of("ADMIN_QUERY_TIMEOUT", "5 seconds"))).hasMessageContaining("ISO-8601");
    }
}
