package dev.consentrelay.ingest;

/** What happened to a signal handed to the {@link SignalPublisher}. */
public enum PublishOutcome {
    /** Kafka acknowledged the record. */
    PUBLISHED,
    /** The same {@code signalId} was published before; nothing was sent again. */
    DUPLICATE
}
