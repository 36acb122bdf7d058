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
public record Decision(DecisionOutcome outcome, String reason, SubjectConsent stateBefore,
        SubjectConsent stateAfter, List<PurposeChange> changes, Set<String> supersededPurposes,
        List<Command> commands, String policyVersion) {

    public Decision {
        changes = changes == null ? List.of() : List.copyOf(changes);
        supersededPurposes = Copies.sortedSet(supersededPurposes);
        commands = commands == null ? List.of() : List.copyOf(commands);
    }
}
