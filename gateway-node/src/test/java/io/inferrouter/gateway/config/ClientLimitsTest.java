package io.inferrouter.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.gateway.config.GatewayConfig.ClientLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientLimitsTest {

    private static ClientLimits load(Map<String, String> env) {
        return GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), env)).clientLimits();
    }

    @Test
    void theDefaultsAreProductionSized() {
        ClientLimits limits = load(Map.of());
        assertThat(limits.maxHeaderBytes()).isEqualTo(16 * 1024);
        assertThat(limits.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limits.maxConnections()).isEqualTo(10_000);
        assertThat(limits.maxInFlight()).isEqualTo(4_096);
        assertThat(limits.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void retryAfterIsRoundedUpToWholeSeconds() {
        assertThat(load(Map.of("GATEWAY_HTTP_RETRY_AFTER", "1500ms")).retryAfterSeconds()).isEqualTo(2);
        assertThat(load(Map.of("GATEWAY_HTTP_RETRY_AFTER", "10ms")).retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void badLimitsNameTheKeyAndTheVariable() {
        assertThatThrownBy(() -> load(Map.of("GATEWAY_HTTP_MAX_HEADER_BYTES", "100")))
                .hasMessageContaining("http.max-header-bytes (GATEWAY_HTTP_MAX_HEADER_BYTES) must be 1024-1048576");
        assertThatThrownBy(() -> load(Map.of("GATEWAY_HTTP_READ_TIMEOUT", "0s")))
                .hasMessageContaining("http.read-timeout (GATEWAY_HTTP_READ_TIMEOUT)");
        assertThatThrownBy(() -> load(Map.of("GATEWAY_HTTP_MAX_CONNECTIONS", "0")))
                .hasMessageContaining("http.max-connections (GATEWAY_HTTP_MAX_CONNECTIONS)");
        assertThatThrownBy(() -> load(Map.of("GATEWAY_HTTP_MAX_IN_FLIGHT", "-1")))
                .hasMessageContaining("http.max-in-flight (GATEWAY_HTTP_MAX_IN_FLIGHT)");
        assertThatThrownBy(() -> load(Map.of("GATEWAY_HTTP_RETRY_AFTER", "-PT1S")))
                .hasMessageContaining("http.retry-after (GATEWAY_HTTP_RETRY_AFTER)");
    }
}
