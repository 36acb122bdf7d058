package dev.consentrelay.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.consentrelay.schema.PendingCommand;

/** Renders a signal's tracking entries as its propagation status. */
final class PropagationStatuses {

    static final String PENDING = "PENDING";

    private PropagationStatuses() {
    }

    static PropagationStatus of(String signalId, List<PendingCommand> entries) {
        List<PropagationStatus.VendorStatus> vendors = new ArrayList<>(entries.size());
        boolean complete = !entries.isEmpty();
        for (PendingCommand entry : entries) {
            boolean answered = entry.getStatus() != null;
            complete &= answered;
            Long latency = answered && entry.getAppliedAt() != null
                    ? Duration.between(entry.getSignalReceivedAt(), entry.getAppliedAt()).toMillis()
                    : null;
            vendors.add(new PropagationStatus.VendorStatus(entry.getVendorId(), entry.getCommandId().toString(),
                    entry.getAction().name(), answered ? entry.getStatus().name() : PENDING, entry.getAttempts(),
                    latency, entry.getDeadline(), entry.getBreached()));
        }
        return new PropagationStatus(signalId, complete, vendors);
    }
}
