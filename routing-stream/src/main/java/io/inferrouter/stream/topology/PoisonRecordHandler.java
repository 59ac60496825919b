package io.inferrouter.stream.topology;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be read is logged with where it is and why, counted, and skipped: a poison
 * pill must never stop the topology. Source values are read by {@link ValueReader}, which sends
 * unreadable ones to {@code dead-letters}; what is left for this handler is a record Streams itself
 * cannot read (a key, or the internal repartition topic, which only this topology writes). Streams
 * creates this class itself; it finds the {@link StreamMetrics} under {@link #METRICS_CONFIG} in the
 * Streams config.
 */
public final class PoisonRecordHandler implements DeserializationExceptionHandler {

    /** Streams config key under which the {@link StreamMetrics} instance is passed. */
    public static final String METRICS_CONFIG = "inferrouter.stream.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(PoisonRecordHandler.class);

    private StreamMetrics metrics = StreamMetrics.NOOP;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = metricsFrom(configs);
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        metrics.poisonRecord(record.topic());
        LOG.warn("skipping unreadable record topic={} partition={} offset={} reason={}", record.topic(),
                record.partition(), record.offset(), exception.getMessage());
        return DeserializationHandlerResponse.CONTINUE;
    }

    static StreamMetrics metricsFrom(Map<String, ?> configs) {
        Object value = configs.get(METRICS_CONFIG);
        return value instanceof StreamMetrics m ? m : StreamMetrics.NOOP;
    }
}
