package dev.consentrelay.connector;

import dev.consentrelay.schema.PropagationCommand;

/**
 * Delivers commands to one vendor. An implementation makes one attempt per call and says whether to retry; retries,
 * backoff, rate limiting, ordering and acknowledgements are the runtime's job, so a new adapter is a small class.
 * Calls for different subjects may come from several threads at once.
 */
public interface VendorAdapter extends AutoCloseable {

    /** One attempt to deliver the command; never throws for a vendor-side problem, answers {@code RETRY} instead. */
    DeliveryResult deliver(PropagationCommand command);

    /** A name for logs and metrics, e.g. {@code webhook}. */
    String kind();

    @Override
    default void close() {
    }
}
