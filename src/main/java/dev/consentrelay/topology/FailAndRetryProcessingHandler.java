package dev.consentrelay.topology;

import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processing errors that escape a processor. Per-record problems (bad input, a rule that cannot be evaluated) are
 * already sent to the dead-letter topic by the processors; what reaches this handler is infrastructure (a state
 * store, the schema registry). Skipping would lose a consent decision, so the task fails: the transaction aborts,
 * the stream thread is replaced and the record is processed again from the last commit.
 */
public final class FailAndRetryProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FailAndRetryProcessingHandler.class);

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        LOG.error("Processing failed in {} at {}-{}@{}; the task will retry from its last commit: {}",
                context.processorNodeId(), context.topic(), context.partition(), context.offset(),
                exception.toString());
        return ProcessingHandlerResponse.FAIL;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // Nothing to configure.
    }
}
