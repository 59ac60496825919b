package io.inferrouter.schemas.topics;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic of the catalogue: its name, key and value serdes and how the broker keeps it.
 *
 * @param name        the topic name
 * @param keySerde    serde of the key
 * @param valueSerde  serde of the value
 * @param keyFormat   what the key looks like, for the docs (for example {@code namespace/name})
 * @param partitions  partitions to create it with
 * @param cleanup     cleanup policy
 * @param retention   retention time; null means forever (compacted tables)
 * @param description     what it carries and who writes it
 * @param maxMessageBytes the topic's {@code max.message.bytes}, for records larger than the broker's
 *                        default allows; 0 for the broker's default
 * @param minCompactionLag the topic's {@code min.compaction.lag.ms}: how long every version of a key is
 *                         kept before compaction may remove the older ones, so the log can be read back
 *                         as of a past instant; null for the broker's default (0: none guaranteed)
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, String keyFormat, int partitions,
                          CleanupPolicy cleanup, Duration retention, String description, int maxMessageBytes,
                          Duration minCompactionLag) {

    /** A topic whose records fit the broker's default message size. */
    public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, String keyFormat, int partitions,
                 CleanupPolicy cleanup, Duration retention, String description) {
        this(name, keySerde, valueSerde, keyFormat, partitions, cleanup, retention, description, 0);
    }

    /** A topic with the broker's default compaction lag. */
    public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, String keyFormat, int partitions,
                 CleanupPolicy cleanup, Duration retention, String description, int maxMessageBytes) {
        this(name, keySerde, valueSerde, keyFormat, partitions, cleanup, retention, description, maxMessageBytes,
                null);
    }

    public Topic {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("invalid topic name '" + name + "'");
        }
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        Objects.requireNonNull(cleanup, "cleanup");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 for topic " + name);
        }
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 0 (0: the broker's default) for topic " + name);
        }
        if (cleanup != CleanupPolicy.COMPACT && retention == null) {
            throw new IllegalArgumentException("topic " + name + " with cleanup " + cleanup + " needs a retention");
        }
        if (minCompactionLag != null && (minCompactionLag.isNegative() || cleanup == CleanupPolicy.DELETE)) {
            throw new IllegalArgumentException("minCompactionLag of topic " + name + " must be >= 0 and set only on"
                    + " a compacted topic, was " + minCompactionLag + " with cleanup " + cleanup);
        }
    }

    /** The same topic, every version of whose keys is kept at least {@code lag} before compaction. */
    public Topic<K, V> withMinCompactionLag(Duration lag) {
        return new Topic<>(name, keySerde, valueSerde, keyFormat, partitions, cleanup, retention, description,
                maxMessageBytes, lag);
    }

    /** {@code min.compaction.lag.ms}: 0 (the broker's default) when none is set. */
    public long minCompactionLagMs() {
        return minCompactionLag == null ? 0 : minCompactionLag.toMillis();
    }

    /** {@code retention.ms}: -1 (forever) when no retention is set. */
    public long retentionMs() {
        return retention == null ? -1 : retention.toMillis();
    }
}
