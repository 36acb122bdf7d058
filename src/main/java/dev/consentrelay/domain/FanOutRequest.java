package dev.consentrelay.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the {@link FanOutPlanner} needs to turn a decision into commands.
 *
 * @param signalId
 *            the signal (or synthetic expiry id); part of every command id
 * @param subjectId
 *            the subject
 * @param cause
 *            what happened, first word of every reason, e.g. {@code OPT_OUT}, {@code EXPIRY}
 * @param origin
 *            where it came from, for the reason, e.g. {@code signal from WEB_BANNER}
 * @param regionBefore
 *            the subject's region before; nullable
 * @param regionAfter
 *            the subject's region after; nullable
 * @param identifiers
 *            the subject's identifiers (filtered per vendor)
 * @param before
 *            effective permissions before, per purpose
 * @param after
 *            effective permissions after, per purpose
 * @param eraseEverywhere
 *            an erasure: {@code DELETE} to every vendor serving the region
 * @param erasePurposes
 *            a withdrawal with erase: {@code DELETE} to the vendors processing these purposes
 * @param policyVersion
 *            version of the deciding policy
 * @param signalReceivedAt
 *            start of the propagation clock; deadlines count from it
 * @param issuedAt
 *            when the commands are issued
 */
public record FanOutRequest(String signalId, String subjectId, String cause, String origin, String regionBefore,
        String regionAfter, List<SubjectIdentifier> identifiers, Map<String, Permission> before,
        Map<String, Permission> after, boolean eraseEverywhere, Set<String> erasePurposes, String policyVersion,
        Instant signalReceivedAt, Instant issuedAt) {

    public FanOutRequest {
        identifiers = Copies.distinctList(identifiers);
        before = Copies.sortedMap(before);
        after = Copies.sortedMap(after);
        erasePurposes = Copies.sortedSet(erasePurposes);
    }
}
