package io.inferrouter.stream.topology;

import io.inferrouter.schemas.topics.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the value of a source record. A record that cannot be read is logged and counted, then passed
 * on as a dead letter: its bytes as they were, keyed {@code topic/partition/offset}, with the reason
 * and origin in {@link DeadLetterHeaders}. Reading here rather than in the source's serde lets the
 * dead letter go out through the Streams producer, in the same transaction as the rest of the task's
 * output under exactly-once.
 */
final class ValueReader<V> extends ContextualProcessor<String, byte[], String, ValueReader.Read<V>> {

    /** A readable value (null for a tombstone), or the raw bytes of an unreadable one. */
    record Read<V>(V value, byte[] unreadable) {

        boolean deadLetter() {
            return unreadable != null;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ValueReader.class);

    private final String topic;
    private final Deserializer<V> values;
    private final StreamMetrics metrics;

    ValueReader(String topic, Deserializer<V> values, StreamMetrics metrics) {
        this.topic = topic;
        this.values = values;
        this.metrics = metrics;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        V value;
        try {
            value = values.deserialize(topic, record.headers(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, e);
            return;
        }
        context().forward(record.withValue(new Read<>(value, null)));
    }

    private void deadLetter(Record<String, byte[]> record, RuntimeException e) {
        RecordMetadata at = context().recordMetadata().orElseThrow();
        metrics.poisonRecord(topic);
        LOG.warn("unreadable record sent to dead-letters topic={} partition={} offset={} key={} reason={}", at.topic(),
                at.partition(), at.offset(), record.key(), e.getMessage());
        Headers headers = new RecordHeaders(record.headers().toArray());
        put(headers, DeadLetterHeaders.EXCEPTION, e.getClass().getName());
        put(headers, DeadLetterHeaders.MESSAGE, String.valueOf(e.getMessage()));
        put(headers, DeadLetterHeaders.TOPIC, at.topic());
        put(headers, DeadLetterHeaders.PARTITION, Integer.toString(at.partition()));
        put(headers, DeadLetterHeaders.OFFSET, Long.toString(at.offset()));
        if (record.key() != null) {
            put(headers, DeadLetterHeaders.KEY, record.key());
        }
        context().forward(record.withKey(at.topic() + "/" + at.partition() + "/" + at.offset())
                .withValue(new Read<V>(null, record.value())).withHeaders(headers));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
