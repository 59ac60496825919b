package io.inferrouter.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientGuardTest {

    @Test
    void deadlinesAreCheckedATenthOfTheTimeoutApartWithin10msAnd1s() {
        assertThat(ClientGuard.tick(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(200));
        assertThat(ClientGuard.tick(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ClientGuard.tick(Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(10));
    }
}
