package dev.consentrelay.ingest;

/**
 * Kafka (or the schema registry) did not take a record in time. The signal was not accepted: the sender should retry
 * with the same {@code signalId}, which is safe because signals are de-duplicated by id.
 */
public class PublishUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public PublishUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
