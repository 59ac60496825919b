package io.inferrouter.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the catalogue's topics are created; that existing ones are checked is tested against a broker. */
class TopicAdminTest {

    @Test
    void aShortCompactionLagRollsSegmentsAtASixthOfItSoTheUncompactedTailStaysNearTheLag() {
        assertThat(Duration.ofMillis(TopicAdmin.segmentMs(Topics.TABLE_ENDPOINTS))).isEqualTo(Duration.ofMinutes(10));
        assertThat(Duration.ofMillis(TopicAdmin.segmentMs(Topics.TABLE_POOLS))).isEqualTo(Duration.ofHours(1));
        assertThat(Duration.ofMillis(TopicAdmin.segmentMs(Topics.INFERENCE_POOLS))).isEqualTo(Duration.ofHours(1));
        assertThat(Duration.ofMillis(TopicAdmin.segmentMs(Topics.TABLE_POOLS.withMinCompactionLag(Duration.ofSeconds(1)))))
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aTopicWithRetentionRollsSegmentsAtAQuarterOfIt() {
        assertThat(Duration.ofMillis(TopicAdmin.segmentMs(Topics.ENDPOINT_METRICS))).isEqualTo(Duration.ofMinutes(15));
        assertThat(Duration.ofMillis(TopicAdmin.segmentMs(Topics.DECISIONS))).isEqualTo(Duration.ofDays(1));
    }
}
