package dev.consentrelay.connector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.jboss.logging.Logger;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.PropagationCommand;

/**
 * Delivers one command to completion: takes a rate-limit token before every attempt, retries transient failures per
 * the {@link RetryPolicy}, and turns the last answer into a final status. Runs on the caller's thread (a subject lane),
 * so the next command for the same subject waits until this one is settled. Logs name the vendor, action and attempt
 * only, never identifiers.
 */
public final class RetryingDelivery {

    private static final Logger LOG = Logger.getLogger(RetryingDelivery.class);

    /** How retries wait; tests record the waits instead. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
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
    private final Sleeper sleeper;
    private final Clock clock;
    private final RetryListener listener;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    public RetryingDelivery(String vendorId, VendorAdapter adapter, RetryPolicy policy, TokenBucket rateLimit,
            Sleeper sleeper, Clock clock, RetryListener listener) {
        this.vendorId = vendorId;
        this.adapter = adapter;
        this.policy = policy;
        this.rateLimit = rateLimit;
        this.sleeper = sleeper;
        this.clock = clock;
        this.listener = listener;
    }

    /** Replaces the jitter's random source (a test's fixed value makes the backoff exact). */
    RetryingDelivery withJitter(DoubleSupplier source) {
        this.random = source;
        return this;
    }

    /** A sleeper on the real clock. */
    public static Sleeper threadSleeper() {
        return duration -> {
            if (!duration.isZero()) {
                Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            }
        };
    }

    /**
     * Delivers the command, retrying as needed.
     *
     * @throws InterruptedException when the connector stops mid-delivery; nothing is acknowledged then, and the
     *             command is delivered again after the restart
     */
    public Outcome deliver(PropagationCommand command) throws InterruptedException {
        DeliveryResult result = null;
        int attempt = 0;
        while (attempt < policy.maxAttempts()) {
            if (attempt > 0) {
                listener.retrying(command, attempt, result);
                Duration wait = policy.backoff(attempt, result.retryAfter(), random);
                LOG.warnf("Vendor %s: %s delivery attempt %d of %d failed (%s); retrying in %d ms", vendorId,
                        command.getAction(), attempt, policy.maxAttempts(), result.detail(), wait.toMillis());
                sleeper.sleep(wait);
            }
            rateLimit.acquire();
            attempt++;
            result = adapter.deliver(command);
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("connector stopping");
            }
            if (result.status().terminal()) {
                return outcome(command, result, attempt);
            }
        }
        LOG.errorf("Vendor %s: %s delivery failed after %d attempts (%s); acknowledging FAILED", vendorId,
                command.getAction(), attempt, result.detail());
        return new Outcome(AckStatus.FAILED, "gave up after " + attempt + " attempts: " + result.detail(), attempt,
                clock.instant());
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
