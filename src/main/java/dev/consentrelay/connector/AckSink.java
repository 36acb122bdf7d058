package dev.consentrelay.connector;

import java.util.concurrent.CompletionStage;

import dev.consentrelay.schema.CommandAck;

/** Where a connector's final acknowledgements go. */
public interface AckSink {

    /**
     * Publishes the ack, keyed by the command's subject id. The stage completes once the ack is durably stored; the
     * sink retries until then, or until it is closed, when the stage completes exceptionally. The caller does not
     * wait: a delivery lane goes on with its next command while the ack is on its way.
     */
    CompletionStage<Void> publish(String subjectId, CommandAck ack);
}
