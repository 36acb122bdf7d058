package dev.consentrelay.platform;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/**
 * A stream thread that dies (an infrastructure error the processing handler failed on) is replaced, so the pipeline
 * keeps running: the failed task resumes from its last committed transaction and nothing is lost or doubled.
 */
@ApplicationScoped
public class StreamThreadRecovery implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(StreamThreadRecovery.class);

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        LOG.errorf(exception, "A Kafka Streams thread failed; replacing it (processing resumes from the last commit)");
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
