package dev.consentrelay.api;

import java.time.Instant;
import java.util.List;

/**
 * One signal as answered by {@code GET /v1/signals/{signalId}}: what it asked, what was decided and where its
 * commands stand at each vendor.
 *
 * @param signalId the signal
 * @param state {@code REJECTED}, {@code DECIDED} (no command to send), {@code PROPAGATING} (a command awaits its
 *     vendor's final acknowledgement) or {@code PROPAGATED} (every vendor answered)
 * @param subjectId the subject
 * @param kind OPT_IN, OPT_OUT, WITHDRAWAL, GPC or ERASURE; {@code null} when the signal could not be read
 * @param purposes the purposes it names
 * @param region the subject's region it carried
 * @param source where it came from
 * @param occurredAt when the subject made the choice
 * @param receivedAt when the service received it
 * @param decision the decision; {@code null} while only its commands have reached this view
 * @param propagation the commands issued for it, per vendor; empty vendors when it caused none
 */
public record SignalStatus(String signalId, String state, String subjectId, String kind, List<String> purposes,
        String region, String source, Instant occurredAt, Instant receivedAt, Decision decision,
        PropagationStatus propagation) {

    /**
     * The decision on the signal.
     *
     * @param outcome APPLIED, NO_CHANGE, SUPERSEDED or REJECTED
     * @param reason why
     * @param policyVersion the policy that decided
     * @param decidedAt when
     * @param changes the effect per purpose
     */
    public record Decision(String outcome, String reason, String policyVersion, Instant decidedAt,
            List<Change> changes) {
    }

    /**
     * The effect of the decision on one purpose.
     *
     * @param purpose the purpose
     * @param statusBefore recorded status before
     * @param statusAfter recorded status after
     * @param allowedBefore whether processing was allowed before
     * @param allowedAfter whether it is allowed after
     * @param rule the rule that decided
     */
    public record Change(String purpose, String statusBefore, String statusAfter, boolean allowedBefore,
            boolean allowedAfter, String rule) {
    }
}
