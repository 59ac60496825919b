package io.inferrouter.ingestor.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void failuresDoubleTheWaitUpToTheCeilingAndASuccessResetsIt() {
        Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofMillis(1_000));
        assertThat(b.current()).isEqualTo(Duration.ofMillis(50));
        assertThat(b.failed()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.failed()).isEqualTo(Duration.ofMillis(200));
        assertThat(b.failed()).isEqualTo(Duration.ofMillis(400));
        assertThat(b.failed()).isEqualTo(Duration.ofMillis(800));
        assertThat(b.failed()).isEqualTo(Duration.ofMillis(1_000));
        for (int i = 0; i < 100; i++) {
            assertThat(b.failed()).isEqualTo(Duration.ofMillis(1_000));
        }
        assertThat(b.failures()).isEqualTo(62);
        assertThat(b.succeeded()).isEqualTo(Duration.ofMillis(50));
        assertThat(b.failures()).isZero();
    }

    @Test
    void aCeilingBelowTheIntervalIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofMillis(10)))
                .hasMessageContaining("interval <= max");
    }
}
