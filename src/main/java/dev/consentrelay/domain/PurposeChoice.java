package dev.consentrelay.domain;

import java.time.Instant;

/**
 * The recorded choice for one purpose of one subject, with the provenance needed to prove it.
 *
 * @param status
 *            granted, denied or withdrawn
 * @param since
 *            event time of the choice; an older signal never overrides it
 * @param signalId
 *            the signal that set it (a synthetic id for grant expiry)
 * @param source
 *            where the choice was captured
 * @param method
 *            how it was expressed; {@value PolicyEngine#EXPIRED_METHOD} marks a grant that lapsed
 * @param policyVersion
 *            the notice version shown
 * @param expiresAt
 *            when a grant lapses; {@code null} when it does not
 */
public record PurposeChoice(PurposeStatus status, Instant since, String signalId, Signal.Source source, String method,
        String policyVersion, Instant expiresAt) {

    /** Whether this is a grant whose lifetime ended by the lapse of {@code expiresAt} (handled by expiry). */
    public boolean isLapsedGrant() {
        return status == PurposeStatus.WITHDRAWN && PolicyEngine.EXPIRED_METHOD.equals(method);
    }

    /** Whether this is a grant whose lifetime has not ended at {@code now}. */
    public boolean isUnexpiredGrant(Instant now) {
        return status == PurposeStatus.GRANTED && (expiresAt == null || expiresAt.isAfter(now));
    }
}
