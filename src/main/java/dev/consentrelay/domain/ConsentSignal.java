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
 *            for {@link SignalKind#WITHDRAWAL}: also ask vendors to delete; ignored for other kinds
 * @param linkedSubjectId
 *            for {@link SignalKind#LINK}: the other subject; for a refusal with source {@link SignalSource#LINK}: the
 *            linked subject it came from; otherwise {@code null}
 */
public record ConsentSignal(String signalId, String subjectId, List<Identifier> identifiers, SignalKind kind,
        Set<String> purposes, String region, SignalSource source, String method, String policyVersion,
        Instant occurredAt, Instant receivedAt, boolean erase, String linkedSubjectId) {

    public ConsentSignal {
        identifiers = Copies.distinctList(identifiers);
        purposes = Copies.sortedSet(purposes);
    }

    /** A signal that names no linked subject (every kind but {@code LINK} and a refusal that crossed a link). */
    // The record's own components but one; a value type with the Avro schema's fields, not a settings list.
    @SuppressWarnings("checkstyle:ParameterNumber")
    public ConsentSignal(String signalId, String subjectId, List<Identifier> identifiers, SignalKind kind,
            Set<String> purposes, String region, SignalSource source, String method, String policyVersion,
            Instant occurredAt, Instant receivedAt, boolean erase) {
        this(signalId, subjectId, identifiers, kind, purposes, region, source, method, policyVersion, occurredAt,
                receivedAt, erase, null);
    }

    /** {@link #receivedAt()} when known, else {@link #occurredAt()}. */
    public Instant receivedOrOccurredAt() {
        return receivedAt != null ? receivedAt : occurredAt;
    }
}
