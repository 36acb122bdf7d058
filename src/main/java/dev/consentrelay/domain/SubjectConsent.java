package dev.consentrelay.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One row of the consent table: everything known about a subject's choices.
 *
 * <p>
 * After an {@link Signal.Kind#ERASURE} the row shrinks to a suppression record (subject id, identifiers, region, GPC
 * state, denied statuses and {@code erasedAt}) so the refusal stays honoured.
 *
 * @param subjectId
 *            the key
 * @param region
 *            last known region; nullable
 * @param identifiers
 *            union of every identifier seen, in first-seen order
 * @param purposes
 *            recorded choice per purpose (sorted by purpose name)
 * @param gpc
 *            GPC state; {@code null} when never seen
 * @param erasedAt
 *            event time of the latest erasure; {@code null} when never erased
 * @param updatedAt
 *            event time of the newest signal (or expiry) reflected in this row; {@code null} for a new subject
 * @param lastSignalId
 *            the last signal folded into this row
 */
public record SubjectConsent(String subjectId, String region, List<SubjectIdentifier> identifiers,
        Map<String, PurposeChoice> purposes, Gpc gpc, Instant erasedAt, Instant updatedAt,
        String lastSignalId) {

    public SubjectConsent {
        identifiers = Copies.distinctList(identifiers);
        purposes = Copies.sortedMap(purposes);
    }

    /** The row of a subject nothing is known about yet. */
    public static SubjectConsent empty(String subjectId) {
        return new SubjectConsent(subjectId, null, List.of(), Map.of(), null, null, null, null);
    }

    public Optional<PurposeChoice> purpose(String purpose) {
        return Optional.ofNullable(purposes.get(purpose));
    }

    public boolean isErased() {
        return erasedAt != null;
    }

    public boolean isGpcActive() {
        return gpc != null && gpc.active();
    }

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
    public record Gpc(boolean active, Instant firstSeenAt, Instant lastSeenAt) {
    }
}
