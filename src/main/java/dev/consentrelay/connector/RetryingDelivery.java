package dev.consentrelay.connector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import org.jboss.logging.Logger;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.PropagationCommand;

/**
 * Delivers one command to completion: takes a rate-limit token before every attempt, retries transient failures per
 * the {@link RetryPolicy}, and turns the last answer into a final status. Nothing waits on a thread: an attempt is
 * started by whoever calls (a subject's lane), the waits for a token and for a backoff run on the {@link Delayer},
 * and the outcome completes on the thread that received the last answer. The next command for the same subject
 * starts only once this one is settled. Logs name the vendor, action and attempt only, never identifiers.
 */
public final class RetryingDelivery {

    private static final Logger LOG = Logger.getLogger(RetryingDelivery.class);

    /** Runs work after a wait; tests record the waits instead. */
    public interface Delayer {

        /**
         * Runs {@code then} once {@code wait} has passed (at once, on the caller's thread, when it is zero).
         *
         * @throws RejectedExecutionException when the connectors are stopping
         */
        void after(Duration wait, Runnable then);

        /** A delayer on the scheduler's threads. */
        static Delayer on(ScheduledExecutorService scheduler) {
            return (wait, then) -> {
                if (wait.isZero() || wait.isNegative()) {
                    then.run();
                } else {
                    scheduler.schedule(then, wait.toNanos(), TimeUnit.NANOSECONDS);
                }
            };
        }
    }

    /** Notified of every retry (metrics). */
    public interface RetryListener {
        void retrying(PropagationCommand command, int attempt, DeliveryResult result);
    }

    /**
     * The final outcome of a command.
     *
     * @param status the status to acknowledge
     * @param detail a short explanation
     * @param attempts attempts made
     * @param finishedAt when the vendor confirmed, or when the connector gave up
     */
    public record Outcome(AckStatus status, String detail, int attempts, Instant finishedAt) {
    }

    private final String vendorId;
    private final VendorAdapter adapter;
    private final RetryPolicy policy;
    private final TokenBucket rateLimit;
    private final Delayer delayer;
    private final Clock clock;
    private final RetryListener listener;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    public RetryingDelivery(String vendorId, VendorAdapter adapter, RetryPolicy policy, TokenBucket rateLimit,
            Delayer delayer, Clock clock, RetryListener listener) {
        this.vendorId = vendorId;
        this.adapter = adapter;
        this.policy = policy;
        this.rateLimit = rateLimit;
        this.delayer = delayer;
        this.clock = clock;
        this.listener = listener;
    }

    /** Replaces the jitter's random source (a test's fixed value makes the backoff exact). */
    RetryingDelivery withJitter(DoubleSupplier source) {
        this.random = source;
        return this;
    }

    /**
     * Delivers the command, retrying as needed. The stage completes exceptionally when the adapter crashed (a bug, not
     * a vendor's answer) or the connectors stopped during a wait; nothing is acknowledged then, and the command is
     * delivered again after the restart.
     */
    public CompletionStage<Outcome> deliver(PropagationCommand command) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        attempt(command, 1, outcome);
        return outcome;
    }

    /** Takes a token, waiting for it on the delayer when there is none, then makes attempt {@code attempt}. */
    private void attempt(PropagationCommand command, int attempt, CompletableFuture<Outcome> outcome) {
        long wait = rateLimit.reserve();
        if (wait == 0) {
            send(command, attempt, outcome);
            return;
        }
        try {
            delayer.after(Duration.ofNanos(wait), () -> send(command, attempt, outcome));
        } catch (RuntimeException stopping) {
            outcome.completeExceptionally(stopping);
        }
    }

    private void send(PropagationCommand command, int attempt, CompletableFuture<Outcome> outcome) {
        CompletionStage<DeliveryResult> answer;
        try {
            answer = adapter.deliverAsync(command);
        } catch (RuntimeException crashed) {
            outcome.completeExceptionally(crashed);
            return;
        }
        answer.whenComplete((result, crashed) -> {
            if (crashed != null) {
                outcome.completeExceptionally(crashed);
            } else if (result.status().terminal()) {
                outcome.complete(outcome(command, result, attempt));
            } else if (attempt < policy.maxAttempts()) {
                retry(command, attempt, result, outcome);
            } else {
                LOG.errorf("Vendor %s: %s delivery failed after %d attempts (%s); acknowledging FAILED", vendorId,
                        command.getAction(), attempt, result.detail());
                outcome.complete(new Outcome(AckStatus.FAILED, "gave up after " + attempt + " attempts: "
                        + result.detail(), attempt, clock.instant()));
            }
        });
    }

    private void retry(PropagationCommand command, int failed, DeliveryResult result,
            CompletableFuture<Outcome> outcome) {
        listener.retrying(command, failed, result);
        Duration wait = policy.backoff(failed, result.retryAfter(), random);
        LOG.warnf("Vendor %s: %s delivery attempt %d of %d failed (%s); retrying in %d ms", vendorId,
                command.getAction(), failed, policy.maxAttempts(), result.detail(), wait.toMillis());
        try {
            delayer.after(wait, () -> attempt(command, failed + 1, outcome));
        } catch (RuntimeException stopping) {
            outcome.completeExceptionally(stopping);
        }
    }

    private Outcome outcome(PropagationCommand command, DeliveryResult result, int attempts) {
        AckStatus status = switch (result.status()) {
            case APPLIED -> AckStatus.APPLIED;
            case NOT_FOUND -> AckStatus.NOT_FOUND;
            case REJECTED -> AckStatus.REJECTED;
            default -> AckStatus.FAILED;
        };
        if (status == AckStatus.REJECTED || status == AckStatus.FAILED) {
            LOG.errorf("Vendor %s: %s delivery ended %s after %d attempt(s) (%s)", vendorId, command.getAction(),
                    status, attempts, result.detail());
        }
        return new Outcome(status, result.detail(), attempts, clock.instant());
    }
}
