package dev.consentrelay.domain;

/**
 * One reason a signal is invalid.
 *
 * @param field
 *            the offending field of the signal
 * @param message
 *            what is wrong, phrased so the sender can fix it
 */
public record Violation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
