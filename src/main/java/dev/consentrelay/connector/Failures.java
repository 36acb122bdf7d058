package dev.consentrelay.connector;

import java.util.concurrent.CompletionException;

/** What failed, as the connectors log it. */
final class Failures {

    private Failures() {
    }

    /** The failure a stage completed with, without the {@link CompletionException} a dependent stage wraps it in. */
    static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
