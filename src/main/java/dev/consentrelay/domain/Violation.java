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

    /** The field without an index ({@code identifiers[3]} is {@code identifiers}), e.g. for a metric label. */
    public String baseField() {
        int index = field == null ? -1 : field.indexOf('[');
        return index < 0 ? field : field.substring(0, index);
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
