package dev.consentrelay.domain;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A person's privacy choice as published by a platform (see SPEC.md, "Signals"). Collections are copied: purposes
 * sorted, identifiers de-duplicated in order; {@code null} collections become empty.
 *
 * @param signalId
 *            UUID, the idempotency key
 * @param subjectId
 *            stable pseudonymous id of the person
 * @param identifiers
 *            typed identifiers vendors can match on
 * @param kind
 *            what the signal asks for
 * @param purposes
 *            the purposes addressed; empty means all purposes (refusals only)
 * @param region
 *            region code such as {@code EU} or {@code US-CA}; nullable or blank when unknown
 * @param source
 *            where the choice was captured
 * @param method
 *            how the choice was expressed, e.g. {@code unchecked_box}, {@code header:Sec-GPC}
 * @param policyVersion
 *            the version of the notice the person was shown
 * @param occurredAt
 *            when the person acted (event time, used for ordering)
 * @param receivedAt
 *            when the service received the signal; nullable, then {@code occurredAt} stands in
 * @param erase
 *            for {@link Signal.Kind#WITHDRAWAL}: also ask vendors to delete; ignored for other kinds
 * @param linkedSubjectId
 *            for {@link Signal.Kind#LINK}: the other subject; for a refusal with source {@link Signal.Source#LINK}: the
 *            linked subject it came from; otherwise {@code null}
 */
public record Signal(String signalId, String subjectId, List<SubjectIdentifier> identifiers, Kind kind,
        Set<String> purposes, String region, Source source, String method, String policyVersion,
        Instant occurredAt, Instant receivedAt, boolean erase, String linkedSubjectId) {

    public Signal {
        identifiers = Copies.distinctList(identifiers);
        purposes = Copies.sortedSet(purposes);
    }

    /** A signal that names no linked subject (every kind but {@code LINK} and a refusal that crossed a link). */
    // The record's own components but one; a value type with the Avro schema's fields, not a settings list.
    @SuppressWarnings("checkstyle:ParameterNumber")
    public Signal(String signalId, String subjectId, List<SubjectIdentifier> identifiers, Kind kind,
            Set<String> purposes, String region, Source source, String method, String policyVersion,
            Instant occurredAt, Instant receivedAt, boolean erase) {
        this(signalId, subjectId, identifiers, kind, purposes, region, source, method, policyVersion, occurredAt,
                receivedAt, erase, null);
    }

    /** {@link #receivedAt()} when known, else {@link #occurredAt()}. */
    public Instant receivedOrOccurredAt() {
        return receivedAt != null ? receivedAt : occurredAt;
    }

    /** What a consent signal asks for. */
    public enum Kind {
        /** Grants the listed purposes; needs purposes and an affirmative method. */
        OPT_IN,
        /** Refuses the listed purposes, or all purposes when none are listed. */
        OPT_OUT,
        /** Withdraws earlier grants for the listed purposes (or all); may also ask vendors to erase. */
        WITHDRAWAL,
        /** A browser's Global Privacy Control signal: denies the region's GPC purposes. */
        GPC,
        /** The right to deletion: every vendor is told to delete, a suppression record is kept. */
        ERASURE,
        /**
         * Joins the subject to {@code linkedSubjectId} (e.g. a device and the account logged in on it): from then on a
         * refusal of either reaches the other, as a refusal with source {@code LINK}. Changes no status by itself.
         */
        LINK;

        /** Whether this kind refuses processing; on equal event times a refusal wins over a grant. */
        public boolean isRefusal() {
            return this != OPT_IN && this != LINK;
        }
    }

    /** Where a consent signal was captured. */
    public enum Source {
        WEB_BANNER, PREFERENCE_CENTER, EMAIL_UNSUBSCRIBE, BROWSER_GPC, API, CRM_IMPORT, SUPPORT,
        /** A refusal that crossed a link from a linked subject. */
        LINK
    }
}
