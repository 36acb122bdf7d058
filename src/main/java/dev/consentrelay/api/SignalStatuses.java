package dev.consentrelay.api;

import java.util.List;

import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.SignalPropagation;

/** Renders a signal's decision and tracking entries as its status. */
final class SignalStatuses {

    static final String REJECTED = "REJECTED";
    static final String DECIDED = "DECIDED";
    static final String PROPAGATING = "PROPAGATING";
    static final String PROPAGATED = "PROPAGATED";

    private SignalStatuses() {
    }

    /** The status of a signal's entry in its subject's task. */
    static SignalStatus of(SignalPropagation entry) {
        return of(entry.getSignalId(), entry.getDecision(), entry.getCommands());
    }

    /**
     * @param decision the decision audit event, or {@code null}
     * @param entries the signal's tracking entries, possibly empty
     * @return the status; {@code null} when there is neither a decision nor an entry
     */
    static SignalStatus of(String signalId, AuditEvent decision, List<PendingCommand> entries) {
        if (decision == null && entries.isEmpty()) {
            return null;
        }
        PropagationStatus propagation = PropagationStatuses.of(signalId, entries);
        String state;
        if (decision != null && decision.getOutcome() == DecisionOutcome.REJECTED) {
            state = REJECTED;
        } else if (entries.isEmpty()) {
            state = DECIDED;
        } else {
            state = propagation.complete() ? PROPAGATED : PROPAGATING;
        }
        ConsentSignal signal = decision == null ? null : decision.getSignal();
        PendingCommand first = entries.isEmpty() ? null : entries.get(0);
        String subjectId = decision != null ? decision.getSubjectId() : first.getSubjectId();
        return new SignalStatus(signalId, state, subjectId,
                signal == null ? null : signal.getKind().name(),
                signal == null ? List.of() : List.copyOf(signal.getPurposes()),
                signal == null ? null : signal.getRegion(),
                signal == null ? null : signal.getSource().name(),
                decision != null ? decision.getOccurredAt() : null,
                signal != null ? signal.getReceivedAt() : first != null ? first.getSignalReceivedAt() : null,
                decision == null ? null : decisionOf(decision), propagation);
    }

    private static SignalStatus.Decision decisionOf(AuditEvent event) {
        return new SignalStatus.Decision(event.getOutcome() == null ? null : event.getOutcome().name(),
                event.getReason(), event.getPolicyVersion(), event.getRecordedAt(),
                event.getChanges().stream().map(c -> new SignalStatus.Change(c.getPurpose(),
                        c.getStatusBefore().name(), c.getStatusAfter().name(), c.getAllowedBefore(),
                        c.getAllowedAfter(), c.getRule())).toList());
    }
}
