package io.inferrouter.stream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.stream.query.TablesAsOf.Kept;
import io.inferrouter.stream.query.TablesAsOf.PartitionRead;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The rule that rebuilds a table as of an instant, fed records by hand. */
class TablesAsOfTest {

    private static final String POOLS = "tables.pools";
    private static final String ENDPOINTS = "tables.endpoints";
    private static final TopicPartition P0 = new TopicPartition(POOLS, 0);
    private static final TopicPartition E0 = new TopicPartition(ENDPOINTS, 0);
    private static final TopicPartition E1 = new TopicPartition(ENDPOINTS, 1);
    private static final Instant AT = Instant.ofEpochMilli(1_000);

    @Test
    void theLastRecordOfEachKeyAtOrBeforeTheInstantWins() {
        TablesAsOf tables = tables(Map.of(P0, 0L), Map.of(P0, 10L));

        tables.offer(record(POOLS, 0, 0, 100, "llm/a", "a1"));
        tables.offer(record(POOLS, 0, 1, 200, "llm/b", "b1"));
        tables.offer(record(POOLS, 0, 2, 1_000, "llm/a", "a2"));

        assertThat(tables.rows(POOLS)).extracting(TablesAsOfTest::text).containsExactly("a2", "b1");
        assertThat(tables.last(POOLS, "llm/a").offset()).isEqualTo(2);
        assertThat(tables.finished(P0)).isFalse();
    }

    @Test
    void aTombstoneDeletesTheRowButIsKeptAsTheKeysLastRecord() {
        TablesAsOf tables = tables(Map.of(P0, 0L), Map.of(P0, 10L));

        tables.offer(record(POOLS, 0, 0, 100, "llm/a", "a1"));
        tables.offer(record(POOLS, 0, 1, 300, "llm/a", null));

        assertThat(tables.rows(POOLS)).isEmpty();
        Kept last = tables.last(POOLS, "llm/a");
        assertThat(last.deleted()).isTrue();
        assertThat(last.timestampMs()).isEqualTo(300);
    }

    @Test
    void aPartitionStopsAtItsFirstRecordAfterTheInstantEvenIfALaterOneIsOlder() {
        TablesAsOf tables = tables(Map.of(P0, 0L), Map.of(P0, 10L));

        assertThat(tables.offer(record(POOLS, 0, 0, 900, "llm/a", "a1"))).isTrue();
        assertThat(tables.offer(record(POOLS, 0, 1, 1_001, "llm/a", "a2"))).isFalse();
        // Written after the record above: a reader at the instant had not seen it, whatever its stamp.
        assertThat(tables.offer(record(POOLS, 0, 2, 950, "llm/b", "b1"))).isFalse();

        assertThat(tables.rows(POOLS)).extracting(TablesAsOfTest::text).containsExactly("a1");
        assertThat(tables.partitions()).containsExactly(new PartitionRead(POOLS, 0, 1, 10, true));
        assertThat(tables.allFinished()).isTrue();
    }

    @Test
    void aPartitionStopsAtTheEndOffsetTakenAtTheStart() {
        TablesAsOf tables = tables(Map.of(P0, 0L), Map.of(P0, 2L));

        assertThat(tables.offer(record(POOLS, 0, 0, 100, "llm/a", "a1"))).isTrue();
        assertThat(tables.offer(record(POOLS, 0, 1, 200, "llm/a", "a2"))).isFalse();
        assertThat(tables.offer(record(POOLS, 0, 2, 300, "llm/a", "a3"))).isFalse();

        assertThat(tables.rows(POOLS)).extracting(TablesAsOfTest::text).containsExactly("a2");
        assertThat(tables.partitions()).containsExactly(new PartitionRead(POOLS, 0, 2, 2, false));
    }

    @Test
    void aPositionAtTheEndFinishesAPartitionWhoseLastOffsetsHoldNoRecord() {
        // Compaction or a transaction marker can leave the last offsets without a record to deliver.
        TablesAsOf tables = tables(Map.of(P0, 0L), Map.of(P0, 5L));
        tables.offer(record(POOLS, 0, 2, 100, "llm/a", "a1"));
        assertThat(tables.finished(P0)).isFalse();

        tables.reached(P0, 5);

        assertThat(tables.finished(P0)).isTrue();
        assertThat(tables.partitions()).containsExactly(new PartitionRead(POOLS, 0, 5, 5, false));
    }

    @Test
    void anEmptyPartitionIsFinishedFromTheStart() {
        TablesAsOf tables = tables(Map.of(P0, 4L, E0, 0L), Map.of(P0, 4L, E0, 1L));

        assertThat(tables.finished(P0)).isTrue();
        assertThat(tables.unfinished()).containsExactly(E0);
    }

    @Test
    void onlyWantedKeysAreKeptButEveryRecordIsApplied() {
        TablesAsOf tables = new TablesAsOf(AT, Map.of(E0, 0L, E1, 0L), Map.of(E0, 10L, E1, 10L),
                (topic, key) -> key.startsWith("llm/a|"));

        tables.offer(record(ENDPOINTS, 0, 0, 100, "llm/a|llm/p0:8000", "p0"));
        tables.offer(record(ENDPOINTS, 0, 1, 100, "llm/ab|llm/p9:8000", "other pool"));
        tables.offer(record(ENDPOINTS, 1, 0, 200, "llm/a|llm/p1:8000", "p1"));

        assertThat(tables.rows(ENDPOINTS)).extracting(TablesAsOfTest::text).containsExactly("p0", "p1");
        assertThat(tables.applied()).isEqualTo(3);
        assertThat(TablesAsOf.newest(tables.rows(ENDPOINTS))).hasValue(200);
    }

    @Test
    void recordsOfAPartitionNotReadOrOutOfOrderAreRefused() {
        TablesAsOf tables = tables(Map.of(P0, 0L), Map.of(P0, 10L));
        tables.offer(record(POOLS, 0, 3, 100, "llm/a", "a1"));

        assertThatThrownBy(() -> tables.offer(record(POOLS, 0, 2, 100, "llm/a", "a0")))
                .hasMessageContaining("tables.pools-0@2");
        assertThatThrownBy(() -> tables.offer(record(ENDPOINTS, 0, 0, 100, "llm/a|llm/p0:8000", "p0")))
                .hasMessageContaining("tables.endpoints-0 is not being read");
    }

    private static TablesAsOf tables(Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {
        return new TablesAsOf(AT, begin, end, (topic, key) -> true);
    }

    private static ConsumerRecord<String, byte[]> record(String topic, int partition, long offset, long timestampMs,
                                                         String key, String value) {
        byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(topic, partition, offset, timestampMs, TimestampType.CREATE_TIME, -1,
                bytes == null ? -1 : bytes.length, key, bytes, new RecordHeaders(), Optional.empty());
    }

    private static String text(Kept k) {
        return new String(k.value(), StandardCharsets.UTF_8);
    }
}
