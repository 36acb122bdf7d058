package dev.consentrelay.domain;

import java.time.Instant;

/**
 * Global Privacy Control as seen for a subject.
 *
 * @param active
 *            whether GPC currently applies
 * @param firstSeenAt
 *            event time of the earliest GPC signal; only grants made after it override GPC
 * @param lastSeenAt
 *            event time of the latest GPC signal
 */
public record GpcState(boolean active, Instant firstSeenAt, Instant lastSeenAt) {
}
