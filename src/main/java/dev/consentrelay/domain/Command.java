package dev.consentrelay.domain;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An instruction to one vendor, derived from one signal (or one grant expiry).
 *
 * @param commandId
 *            deterministic, see {@link CommandIds}
 * @param signalId
 *            the signal (or synthetic expiry id) that caused it
 * @param subjectId
 *            the subject; also the record key
 * @param vendorId
 *            the receiving vendor
 * @param action
 *            suppress, delete or resume
 * @param purposes
 *            the affected purposes the vendor processes (sorted)
 * @param identifiers
 *            the subject's identifiers of the types the vendor matches on
 * @param reason
 *            human-readable cause
 * @param region
 *            the subject's region; nullable
 * @param policyVersion
 *            version of the policy that decided
 * @param signalReceivedAt
 *            when the cause was received; start of the propagation clock
 * @param issuedAt
 *            when the command was issued
 * @param deadline
 *            {@code signalReceivedAt} plus the vendor's SLA
 */
public record Command(String commandId, String signalId, String subjectId, String vendorId, Action action,
        Set<String> purposes, List<SubjectIdentifier> identifiers, String reason, String region, String policyVersion,
        Instant signalReceivedAt, Instant issuedAt, Instant deadline) {

    public Command {
        purposes = Copies.sortedSet(purposes);
        identifiers = Copies.distinctList(identifiers);
    }

    /** What a vendor is told to do. */
    public enum Action {
        /** Stop processing the listed purposes. */
        SUPPRESS,
        /** Delete what was collected (for the listed purposes, or everything when none are listed). */
        DELETE,
        /** Processing of the listed purposes is allowed again. */
        RESUME
    }
}
