package dev.consentrelay.domain;

import java.util.List;
import java.util.Set;

/**
 * The outcome of one signal (or one expiry): the state to store, what changed and the commands to issue.
 *
 * @param outcome
 *            applied, no change, superseded or rejected
 * @param reason
 *            human-readable summary; for a rejection, every violation
 * @param stateBefore
 *            the row before ({@link SubjectConsent#empty(String)} for a new subject)
 * @param stateAfter
 *            the row to store; equals {@code stateBefore} when rejected. For {@code NO_CHANGE} and
 *            {@code SUPERSEDED} it may still carry bookkeeping (newer event times, identifiers, last signal id) and
 *            should be stored
 * @param changes
 *            purposes whose status, permission or grant expiry changed
 * @param supersededPurposes
 *            purposes the signal addressed that already hold a newer choice
 * @param commands
 *            sorted by vendor id, then action
 * @param policyVersion
 *            version of the policy that decided
 */
public record Decision(Outcome outcome, String reason, SubjectConsent stateBefore,
        SubjectConsent stateAfter, List<Change> changes, Set<String> supersededPurposes,
        List<Command> commands, String policyVersion) {

    public Decision {
        changes = changes == null ? List.of() : List.copyOf(changes);
        supersededPurposes = Copies.sortedSet(supersededPurposes);
        commands = commands == null ? List.of() : List.copyOf(commands);
    }

    /** What the policy engine did with a signal. */
    public enum Outcome {
        /** The state changed meaningfully; commands may have been issued. */
        APPLIED,
        /** Valid, but no status, permission, region, erasure or GPC activation changed; no commands. */
        NO_CHANGE,
        /** Every purpose the signal addressed already holds a newer choice (event time); nothing changed. */
        SUPERSEDED,
        /** Invalid input; the reason lists every violation. */
        REJECTED
    }

    /**
     * How one purpose changed in a decision, for the audit trail.
     *
     * @param purpose
     *            the purpose
     * @param statusBefore
     *            recorded status before; {@code null} when none
     * @param statusAfter
     *            recorded status after; {@code null} when none
     * @param model
     *            the model in the subject's region after the decision
     * @param allowedBefore
     *            effective permission before
     * @param allowedAfter
     *            effective permission after
     * @param rule
     *            the rule that decided the permission after, human-readable
     */
    public record Change(String purpose, PurposeStatus statusBefore, PurposeStatus statusAfter,
            Policy.Model model, boolean allowedBefore, boolean allowedAfter, String rule) {
    }
}
