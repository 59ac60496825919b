package io.inferrouter.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void idsAreVersion7UuidsThatDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.next();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.toString()).isEqualTo(id);
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void anIdNamesTheTimeItWasMadeAt() {
        long t = 1_790_000_123_456L;
        assertThat(RequestIds.timeOf(RequestIds.next(t))).isEqualTo(t);
        long before = System.currentTimeMillis();
        long made = RequestIds.timeOf(RequestIds.next());
        assertThat(made).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void aClientsOwnIdHasNoTime() {
        assertThat(RequestIds.timeOf(UUID.randomUUID().toString())).isEqualTo(-1);
        assertThat(RequestIds.timeOf("my-request-42")).isEqualTo(-1);
        assertThat(RequestIds.timeOf(null)).isEqualTo(-1);
    }
}
