package dev.consentrelay.connector;

import java.time.Duration;
import java.util.Optional;

/**
 * What one delivery attempt to a vendor gave.
 *
 * @param status what happened
 * @param detail a short explanation (an HTTP status, an exception class), never personal data
 * @param retryAfter for {@link Status#RETRY}: how long the vendor asked us to wait, when it said so
 */
public record DeliveryResult(Status status, String detail, Optional<Duration> retryAfter) {

    /** Outcome of one attempt. */
    public enum Status {
        /** The vendor applied the command. */
        APPLIED,
        /** The vendor has no such subject: nothing to do, the choice is honoured. */
        NOT_FOUND,
        /** A transient failure: try again later. */
        RETRY,
        /** The vendor refused the command; retrying would not help. */
        REJECTED,
        /** The command cannot be delivered at all (e.g. a misconfigured adapter). */
        FAILED;

        /** Whether this status ends the delivery of a command. */
        public boolean terminal() {
            return this != RETRY;
        }
    }

    public DeliveryResult {
        retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    }

    public static DeliveryResult applied(String detail) {
        return new DeliveryResult(Status.APPLIED, detail, Optional.empty());
    }

    public static DeliveryResult notFound(String detail) {
        return new DeliveryResult(Status.NOT_FOUND, detail, Optional.empty());
    }

    public static DeliveryResult retry(String detail) {
        return new DeliveryResult(Status.RETRY, detail, Optional.empty());
    }

    public static DeliveryResult retryAfter(String detail, Duration after) {
        return new DeliveryResult(Status.RETRY, detail, Optional.ofNullable(after));
    }

    public static DeliveryResult rejected(String detail) {
        return new DeliveryResult(Status.REJECTED, detail, Optional.empty());
    }

    public static DeliveryResult failed(String detail) {
        return new DeliveryResult(Status.FAILED, detail, Optional.empty());
    }
}
