package io.inferrouter.stream.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Compacted table topics rebuilt as they were at an instant, from their records fed in offset order per
 * partition: the last record of each key wins, a tombstone deletes. A partition is read as a prefix of its
 * log: it is finished at its first record stamped after {@code at} (that record and every later one are left
 * out, even one stamped earlier, since a reader at {@code at} had not seen them) or at the end offset taken
 * when the query started. No Kafka client here, so the rule is tested on its own.
 */
final class TablesAsOf {

    /** The last record of a key at or before the instant; {@code value} is null for a tombstone. */
    record Kept(String topic, String key, byte[] value, long timestampMs, int partition, long offset) {

        boolean deleted() {
            return value == null;
        }
    }

    /**
     * How far one partition was read.
     *
     * @param readUpTo  the first offset not applied (exclusive end of what the answer is made of)
     * @param endOffset the partition's end offset when the query started
     * @param passedAt  true when reading stopped at a record stamped after the instant, false at the end offset
     */
    record PartitionRead(String topic, int partition, long readUpTo, long endOffset, boolean passedAt) {
    }

    private final Instant at;
    private final BiPredicate<String, String> wanted;
    private final Map<TopicPartition, Progress> progress = new HashMap<>();
    private final Map<String, Map<String, Kept>> kept = new HashMap<>();
    private long applied;

    /**
     * @param begin  each partition's first offset (where reading starts)
     * @param end    each partition's end offset when the query started, for the same partitions
     * @param wanted which keys to keep, by topic and key; the others are read past
     */
    TablesAsOf(Instant at, Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end,
               BiPredicate<String, String> wanted) {
        this.at = Objects.requireNonNull(at, "at");
        this.wanted = Objects.requireNonNull(wanted, "wanted");
        if (!begin.keySet().equals(end.keySet())) {
            throw new IllegalArgumentException("begin and end offsets must cover the same partitions, were "
                    + begin.keySet() + " and " + end.keySet());
        }
        end.forEach((tp, endOffset) -> {
            Progress p = new Progress(endOffset, begin.get(tp));
            p.finishIfAtEnd(begin.get(tp));
            progress.put(tp, p);
        });
    }

    /**
     * Applies the next record of its partition.
     *
     * @return false when the partition is finished (this record was not applied)
     * @throws IllegalArgumentException for a partition not being read, or a record out of offset order
     */
    boolean offer(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Progress p = progress.get(tp);
        if (p == null) {
            throw new IllegalArgumentException("partition " + tp + " is not being read");
        }
        if (p.finished) {
            return false;
        }
        if (r.offset() < p.next) {
            throw new IllegalArgumentException("record " + tp + "@" + r.offset() + " is before offset " + p.next
                    + ", already read");
        }
        if (r.offset() >= p.endOffset) {
            p.finish(p.endOffset, false);
            return false;
        }
        if (r.timestamp() > at.toEpochMilli()) {
            p.finish(r.offset(), true);
            return false;
        }
        p.next = r.offset() + 1;
        applied++;
        if (r.key() != null && wanted.test(r.topic(), r.key())) {
            kept.computeIfAbsent(r.topic(), t -> new HashMap<>()).put(r.key(),
                    new Kept(r.topic(), r.key(), r.value(), r.timestamp(), r.partition(), r.offset()));
        }
        p.finishIfAtEnd(p.next);
        return !p.finished;
    }

    /**
     * The consumer's position in a partition after a poll: past the end offset it is finished even when no
     * record said so (the last offsets may hold no record, after compaction or a transaction marker).
     */
    void reached(TopicPartition tp, long position) {
        Progress p = progress.get(tp);
        if (p != null && !p.finished) {
            p.finishIfAtEnd(position);
        }
    }

    boolean finished(TopicPartition tp) {
        return progress.get(tp).finished;
    }

    boolean allFinished() {
        return progress.values().stream().allMatch(p -> p.finished);
    }

    Set<TopicPartition> unfinished() {
        return progress.entrySet().stream().filter(e -> !e.getValue().finished).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** Records applied so far (of every key, wanted or not). */
    long applied() {
        return applied;
    }

    /** The last record at or before the instant of one key, a tombstone included; null when it had none. */
    Kept last(String topic, String key) {
        return kept.getOrDefault(topic, Map.of()).get(key);
    }

    /** The rows of a topic as of the instant, without the deleted ones, sorted by key as the stores are. */
    List<Kept> rows(String topic) {
        return new TreeMap<>(kept.getOrDefault(topic, Map.of())).values().stream().filter(k -> !k.deleted()).toList();
    }

    /** How far each partition was read, by topic and partition. */
    List<PartitionRead> partitions() {
        List<PartitionRead> out = new ArrayList<>();
        progress.forEach((tp, p) -> out.add(new PartitionRead(tp.topic(), tp.partition(), p.next, p.endOffset,
                p.passedAt)));
        out.sort(Comparator.comparing(PartitionRead::topic).thenComparingInt(PartitionRead::partition));
        return out;
    }

    /** The newest timestamp among {@code records}; empty when there are none. */
    static OptionalLong newest(List<Kept> records) {
        return records.stream().mapToLong(Kept::timestampMs).max();
    }

    private static final class Progress {
        private final long endOffset;
        private long next;
        private boolean finished;
        private boolean passedAt;

        Progress(long endOffset, long begin) {
            this.endOffset = endOffset;
            this.next = begin;
        }

        void finishIfAtEnd(long position) {
            if (position >= endOffset) {
                finish(endOffset, false);
            }
        }

        void finish(long upTo, boolean byTime) {
            finished = true;
            passedAt = byTime;
            next = Math.max(next, upTo);
        }
    }
}
