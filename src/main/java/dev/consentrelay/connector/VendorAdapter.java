package dev.consentrelay.connector;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.consentrelay.schema.PropagationCommand;

/**
 * Delivers commands to one vendor. An implementation makes one attempt per call and says whether to retry; retries,
 * backoff, rate limiting, ordering and acknowledgements are the runtime's job, so a new adapter is a small class.
 * Calls for different subjects may come from several threads at once.
 * <p>
 * An adapter that blocks (a file written, a batch waiting to fill) implements {@link #deliver} only, and the runtime
 * runs it on threads of the vendor's own ({@link OffloadedAdapter}). One that does not ({@link #nonBlocking()}, the
 * webhook) answers {@link #deliverAsync} on whichever thread calls it, and completes on its transport's.
 */
public interface VendorAdapter extends AutoCloseable {

    /** One attempt to deliver the command; never throws for a vendor-side problem, answers {@code RETRY} instead. */
    DeliveryResult deliver(PropagationCommand command);

    /**
     * One attempt, as {@link #deliver}, completed when the vendor has answered. It blocks the caller as long as
     * {@link #deliver} does unless the adapter is {@link #nonBlocking()}; a crash completes the stage exceptionally.
     */
    default CompletionStage<DeliveryResult> deliverAsync(PropagationCommand command) {
        try {
            return CompletableFuture.completedFuture(deliver(command));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether {@link #deliverAsync} returns at once, without waiting on the vendor or a file. */
    default boolean nonBlocking() {
        return false;
    }

    /** A name for logs and metrics, e.g. {@code webhook}. */
    String kind();

    @Override
    default void close() {
    }
}
