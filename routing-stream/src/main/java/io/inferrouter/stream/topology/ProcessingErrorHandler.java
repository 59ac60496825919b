package io.inferrouter.stream.topology;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that reads fine but breaks a rule (for example a key that is not {@code namespace/name})
 * is logged, counted and skipped rather than stopping the stream thread.
 */
public final class ProcessingErrorHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingErrorHandler.class);

    private StreamMetrics metrics = StreamMetrics.NOOP;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = PoisonRecordHandler.metricsFrom(configs);
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        metrics.processingError(context.processorNodeId());
        LOG.warn("skipping record that failed processing processor={} topic={} partition={} offset={} key={} error={}",
                context.processorNodeId(), context.topic(), context.partition(), context.offset(), record.key(),
                exception.toString());
        return ProcessingHandlerResponse.CONTINUE;
    }
}
