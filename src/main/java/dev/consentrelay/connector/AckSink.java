package dev.consentrelay.connector;

import dev.consentrelay.schema.CommandAck;

/** Where a connector's final acknowledgements go. */
public interface AckSink {

    /** Publishes the ack and returns only once it is durably stored; retries until then or until interrupted. */
    void publish(CommandAck ack) throws InterruptedException;
}
