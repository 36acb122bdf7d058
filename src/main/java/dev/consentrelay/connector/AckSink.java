package dev.consentrelay.connector;

import dev.consentrelay.schema.CommandAck;

/** Where a connector's final acknowledgements go. */
public interface AckSink {

    /**
     * Publishes the ack, keyed by the command's subject id, and returns only once it is durably stored; retries until
     * then or until interrupted.
     */
    void publish(String subjectId, CommandAck ack) throws InterruptedException;
}
