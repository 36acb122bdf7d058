package dev.consentrelay.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.consentrelay.domain.LegalDeadlines;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.ConsentSignal;

/**
 * "Prove you honoured this person's choice": every signal received for a subject (and every change the service made
 * itself: grant expiries, vendor backfills), the decision and the policy version it was taken under, the commands
 * issued, each vendor's acknowledgement and latency, and each legal deadline with whether it was met.
 */
public record ProofReport(String subjectId, String generatedAt, List<Entry> entries) {

    /** One cause: a signal, a grant expiry or a backfill. */
    public record Entry(String signalId, String type, String kind, String source, String method, String region,
            List<String> purposes, String occurredAt, String receivedAt, Decision decision, List<CommandProof> commands,
            List<DeadlineProof> legalDeadlines) {
    }

    /** The decision on the signal. */
    public record Decision(String outcome, String reason, String policyVersion, String recordedAt,
            List<Change> changes) {
    }

    /** The effect on one purpose. */
    public record Change(String purpose, String statusBefore, String statusAfter, String model, boolean allowedBefore,
            boolean allowedAfter, String rule) {
    }

    /** One command and its acknowledgement, when there is one. */
    public record CommandProof(String commandId, String vendorId, String action, String issuedAt, String deadline,
            Ack ack) {
    }

    /** A vendor's acknowledgement. */
    public record Ack(String status, String at, @Schema(nullable = true) Long latencyMillis,
            @Schema(nullable = true) String detail) {
    }

    /** One regime's deadline for the entry. */
    public record DeadlineProof(String regime, String rule, String due, String completedAt, String status) {
    }

    /**
     * Builds the report from the subject's audit trail, in recording order.
     *
     * @param vendors the vendors now, for the deadline each command got from its vendor's SLA
     */
    static ProofReport of(String subjectId, List<AuditEvent> trail, Map<String, Vendor> vendors, Instant now) {
        Map<String, List<AuditEvent>> bySignal = new LinkedHashMap<>();
        Map<String, AckSeen> ackByCommand = new LinkedHashMap<>();
        for (AuditEvent event : trail) {
            // A receipt (or breach) event lists the answers; an answer after a breach has an event of its own.
            event.getAcks().forEach(a -> ackByCommand.put(a.getCommandId().toString(),
                    new AckSeen(a.getStatus(), a.getAppliedAt() != null ? a.getAppliedAt() : event.getRecordedAt(),
                            a.getDetail())));
            if (event.getType() == AuditEventType.ACK_RECEIVED && event.getCommandId() != null) {
                ackByCommand.put(event.getCommandId().toString(), new AckSeen(event.getAckStatus(),
                        event.getOccurredAt() != null ? event.getOccurredAt() : event.getRecordedAt(),
                        event.getDetail()));
            } else {
                String key = event.getSignalId() != null
                        ? event.getSignalId().toString()
                        : event.getEventId().toString();
                bySignal.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
            }
        }
        List<Entry> entries = new ArrayList<>();
        bySignal.forEach((signalId, events) -> entries.add(entry(signalId, events, ackByCommand, vendors, now)));
        return new ProofReport(subjectId, now.toString(), entries);
    }

    private static Entry entry(String signalId, List<AuditEvent> events, Map<String, AckSeen> acks,
            Map<String, Vendor> vendors, Instant now) {
        AuditEvent decisionEvent = events.stream()
                .filter(e -> e.getType() == AuditEventType.DECISION || e.getType() == AuditEventType.GRANT_EXPIRED)
                .findFirst().orElse(null);
        AuditEvent withSignal = events.stream().filter(e -> e.getSignal() != null).findFirst().orElse(null);
        ConsentSignal signal = withSignal == null ? null : withSignal.getSignal();
        List<AuditEvent> commandEvents = events.stream().filter(e -> e.getType() == AuditEventType.COMMAND_ISSUED)
                .toList();
        String type = signal != null
                ? "SIGNAL"
                : decisionEvent != null && decisionEvent.getType() == AuditEventType.GRANT_EXPIRED
                        ? "GRANT_EXPIRY"
                        : commandEvents.stream().anyMatch(c -> c.getReason() != null
                                && c.getReason().startsWith("BACKFILL")) ? "VENDOR_BACKFILL" : "OTHER";
        // A decision lists the commands it issued; a backfill records one event per command.
        List<Issued> issued = new ArrayList<>();
        if (decisionEvent != null) {
            decisionEvent.getCommands().forEach(c -> issued.add(new Issued(c.getCommandId().toString(),
                    c.getVendorId(), ConsentView.text(c.getAction()), c.getIssuedAt())));
        }
        commandEvents.forEach(c -> issued.add(new Issued(ConsentView.text(c.getCommandId()), c.getVendorId(),
                ConsentView.text(c.getAction()), c.getOccurredAt())));
        Instant receivedAt = signal == null
                ? events.get(0).getRecordedAt()
                : signal.getReceivedAt() != null ? signal.getReceivedAt() : signal.getOccurredAt();

        List<CommandProof> commands = new ArrayList<>();
        Instant lastAck = null;
        boolean allAnswered = true;
        for (Issued c : issued) {
            Vendor vendor = vendors.get(c.vendorId());
            Instant deadline = vendor == null || receivedAt == null ? null : receivedAt.plus(vendor.sla());
            AckSeen ack = acks.get(c.commandId() == null ? "" : c.commandId());
            Ack ackProof = null;
            boolean honoured = false;
            if (ack != null) {
                Instant at = ack.at();
                ackProof = new Ack(ConsentView.text(ack.status()), at.toString(),
                        receivedAt == null ? null : Duration.between(receivedAt, at).toMillis(), ack.detail());
                honoured = ack.status() == AckStatus.APPLIED || ack.status() == AckStatus.NOT_FOUND;
                if (honoured && (lastAck == null || at.isAfter(lastAck))) {
                    lastAck = at;
                }
            }
            allAnswered &= honoured;
            commands.add(new CommandProof(c.commandId(), c.vendorId(), c.action(), ConsentView.text(c.issuedAt()),
                    ConsentView.text(deadline), ackProof));
        }

        Decision decision = decisionEvent == null ? null : decision(decisionEvent);
        List<DeadlineProof> deadlines = new ArrayList<>();
        if (signal != null && receivedAt != null) {
            Set<String> purposes = new HashSet<>(signal.getPurposes());
            Signal.Kind kind = signal.getKind() == null ? null : kindOf(signal.getKind().name());
            // Done when every command was honoured; with no command to send, when the decision was recorded.
            Instant completedAt = commands.isEmpty()
                    ? (decisionEvent == null ? null : decisionEvent.getRecordedAt())
                    : allAnswered ? lastAck : null;
            for (LegalDeadlines.Deadline d : LegalDeadlines.deadlines(signal.getRegion(), kind, purposes,
                    receivedAt)) {
                deadlines.add(new DeadlineProof(d.regime().name(), d.regime().rule(), d.due().toString(),
                        ConsentView.text(completedAt),
                        LegalDeadlines.compliance(d.due(), completedAt, now).name()));
            }
        }
        AuditEvent first = events.get(0);
        return new Entry(signalId, type, signal == null ? null : ConsentView.text(signal.getKind()),
                signal == null ? null : ConsentView.text(signal.getSource()),
                signal == null ? null : signal.getMethod(), signal == null ? null : signal.getRegion(),
                signal == null ? List.of() : signal.getPurposes().stream().sorted().toList(),
                ConsentView.text(signal == null ? first.getOccurredAt() : signal.getOccurredAt()),
                ConsentView.text(receivedAt), decision,
                commands.stream().sorted(Comparator.comparing(CommandProof::vendorId)).toList(), deadlines);
    }

    /** A vendor's answer as the trail records it: in its signal's receipt event, or in an event of its own. */
    private record AckSeen(AckStatus status, Instant at, String detail) {
    }

    /** A command as the trail records it: in its decision's event, or in an event of its own (backfill). */
    private record Issued(String commandId, String vendorId, String action, Instant issuedAt) {
    }

    private static Decision decision(AuditEvent e) {
        List<Change> changes = e.getChanges().stream()
                .map(c -> new Change(c.getPurpose(), c.getStatusBefore().name(), c.getStatusAfter().name(),
                        c.getModel().name(), c.getAllowedBefore(), c.getAllowedAfter(), c.getRule()))
                .toList();
        return new Decision(ConsentView.text(e.getOutcome()), e.getReason(), e.getPolicyVersion(),
                e.getRecordedAt().toString(), changes);
    }

    private static Signal.Kind kindOf(String name) {
        try {
            return Signal.Kind.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
