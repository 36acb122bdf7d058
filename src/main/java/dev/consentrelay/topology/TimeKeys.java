package dev.consentrelay.topology;

import java.time.Instant;

/**
 * The time prefix of the index keys that range scans read in time order: epoch milliseconds zero-padded to 13
 * digits, so string order is time order until the year 2286.
 */
final class TimeKeys {

    /** The smallest time prefix: the lower bound of a scan from the beginning. */
    static final String EARLIEST = "0000000000000";

    private TimeKeys() {
    }

    /** The 13-digit prefix of {@code at}; times before the epoch sort as the epoch. */
    static String of(Instant at) {
        // By hand: String.format costs more than the store write the key is for, and this runs for every signal.
        String digits = Long.toString(Math.max(0, at.toEpochMilli()));
        return digits.length() >= EARLIEST.length() ? digits : EARLIEST.substring(digits.length()) + digits;
    }
}
