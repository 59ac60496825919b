package io.inferrouter.gateway.scheduler;

import static io.inferrouter.gateway.tables.Endpoints.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class FiltersTest {

    private final Endpoint idle = endpoint("a", 1, 0.2, 1);
    private final Endpoint busy = endpoint("b", 9, 0.95, 1);

    @Test
    void lowQueueKeepsShortQueuesOrEverythingWhenNoneIsShort() {
        LowQueueFilter f = new LowQueueFilter(5);
        assertThat(f.filter(Contexts.of("m"), List.of(idle, busy))).containsExactly(idle);
        assertThat(f.filter(Contexts.of("m"), List.of(busy))).containsExactly(busy);
        assertThatThrownBy(() -> new LowQueueFilter(-1)).hasMessageContaining("threshold");
    }

    @Test
    void lowKvCacheKeepsFreeCacheOrEverythingWhenNoneIsFree() {
        LowKvCacheFilter f = new LowKvCacheFilter(0.8);
        assertThat(f.filter(Contexts.of("m"), List.of(idle, busy))).containsExactly(idle);
        assertThat(f.filter(Contexts.of("m"), List.of(busy))).containsExactly(busy);
        assertThatThrownBy(() -> new LowKvCacheFilter(1.5)).hasMessageContaining("threshold");
    }

    @Test
    void loraAffinityKeepsTheBestAffinity() {
        Endpoint running = endpoint("r", 0, 0, 1, List.of("sql"), List.of(), 2);
        Endpoint room = endpoint("o", 0, 0, 1, List.of(), List.of(), 2);
        LoraAffinityFilter f = new LoraAffinityFilter();
        assertThat(f.filter(Contexts.of("sql"), List.of(running, room))).containsExactly(running);
        assertThat(f.filter(Contexts.of("tweet"), List.of(running, room))).containsExactly(running, room);
        assertThat(f.filter(Contexts.of("x"), List.of(idle, busy))).containsExactly(idle, busy);
    }
}
