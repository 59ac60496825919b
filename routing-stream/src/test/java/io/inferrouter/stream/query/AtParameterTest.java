package io.inferrouter.stream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AtParameterTest {

    private static final Instant NOW = Instant.parse("2026-12-02T13:00:00Z");

    @Test
    void anRfc3339TimeWithAnyOffsetIsTheInstantItNames() {
        assertThat(AtParameter.parse("2026-12-02T12:13:19Z", NOW)).isEqualTo(Instant.parse("2026-12-02T12:13:19Z"));
        assertThat(AtParameter.parse("2026-12-02T13:13:19.250+01:00", NOW))
                .isEqualTo(Instant.parse("2026-12-02T12:13:19.250Z"));
        assertThat(AtParameter.parse("2026-12-02T13:00:00Z", NOW)).isEqualTo(NOW);
    }

    @Test
    void aPlusThatTheQueryStringTurnedIntoASpaceIsReadAsAPlus() {
        assertThat(AtParameter.parse("2026-12-02T13:13:19 01:00", NOW)).isEqualTo(Instant.parse("2026-12-02T12:13:19Z"));
    }

    @Test
    void aTimeWithoutOffsetOrNotATimeIsRefusedWithAnExample() {
        assertThatThrownBy(() -> AtParameter.parse("2026-12-02T12:13:19", NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'2026-12-02T12:13:19'").hasMessageContaining("RFC 3339");
        assertThatThrownBy(() -> AtParameter.parse("yesterday", NOW)).hasMessageContaining("'yesterday'");
        assertThatThrownBy(() -> AtParameter.parse("1764681199000", NOW)).hasMessageContaining("RFC 3339");
        assertThatThrownBy(() -> AtParameter.parse(" ", NOW)).hasMessageContaining("'at' is empty");
    }

    @Test
    void aTimeInTheFutureIsRefused() {
        assertThatThrownBy(() -> AtParameter.parse("2026-12-02T13:00:00.001Z", NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in the future").hasMessageContaining(NOW.toString());
    }
}
