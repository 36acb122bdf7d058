package dev.consentrelay.avro;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.avro.Schema;

import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.Decision;
import dev.consentrelay.domain.IdentifierHasher;
import dev.consentrelay.domain.NameUuids;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.AckedCommand;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.ConsentModel;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.ConsentStatus;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.IssuedCommand;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.PurposeChange;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.schema.VendorOutcome;

import static dev.consentrelay.avro.AvroMapper.ACTION_OUT;
import static dev.consentrelay.avro.AvroMapper.STATUS_OUT;
import static dev.consentrelay.avro.AvroMapper.enumToAvro;
import static dev.consentrelay.avro.AvroMapper.identifiersToAvro;
import static dev.consentrelay.avro.AvroMapper.identifiersToDomain;
import static dev.consentrelay.avro.AvroMapper.text;
import static dev.consentrelay.avro.AvroMapper.uuid;

/**
 * The records the audit trail and propagation tracking write: the audit event of a decision, an expiry, a rejection,
 * a duplicate, a backfill command, an acknowledgement, a receipt and a breach, and the propagation entry with its
 * pending commands. Conversions between Avro and domain records are {@link AvroMapper}'s.
 */
public final class AuditRecords {

    private static final AvroMapper.SameName<Decision.Outcome, DecisionOutcome> OUTCOME_OUT = AvroMapper.SameName
            .of(Decision.Outcome.class, DecisionOutcome.class);
    private static final AvroMapper.SameName<Policy.Model, ConsentModel> MODEL_OUT = AvroMapper.SameName
            .of(Policy.Model.class, ConsentModel.class);

    private AuditRecords() {
    }

    /**
     * The signal as the audit trail keeps it: as received, except that each identifier's value is its keyed hash. The
     * trail is immutable, so it never holds what an erasure would have to remove.
     */
    public static ConsentSignal withKeyedIdentifiers(ConsentSignal signal, IdentifierHasher hasher) {
        if (signal == null || signal.getIdentifiers() == null || signal.getIdentifiers().isEmpty()) {
            return signal;
        }
        ConsentSignal keyed = shallowCopy(signal);
        keyed.setIdentifiers(identifiersToAvro(hasher.redact(identifiersToDomain(signal.getIdentifiers()))));
        return keyed;
    }

    /**
     * A copy sharing every field value with the original (which must not be changed afterwards), for replacing a
     * field: a builder's copy deep-copies each field again, a cost paid per decision.
     */
    private static ConsentSignal shallowCopy(ConsentSignal signal) {
        ConsentSignal copy = new ConsentSignal();
        for (Schema.Field field : ConsentSignal.getClassSchema().getFields()) {
            copy.put(field.pos(), signal.get(field.pos()));
        }
        return copy;
    }

    /** The audit record of one decision, carrying the signal as received (identifiers as keyed hashes). */
    public static AuditEvent decisionAudit(ConsentSignal received, Decision decision, Instant recordedAt,
            IdentifierHasher hasher) {
        ConsentSignal signal = withKeyedIdentifiers(received, hasher);
        return AuditEvent.newBuilder()
                .setEventId(uuid(auditId("decision", text(signal.getSignalId()))))
                .setType(AuditEventType.DECISION)
                .setSubjectId(signal.getSubjectId())
                .setSignalId(signal.getSignalId())
                .setRecordedAt(recordedAt)
                .setOccurredAt(signal.getOccurredAt())
                .setOutcome(enumToAvro(decision.outcome(), OUTCOME_OUT))
                .setReason(decision.reason())
                .setPolicyVersion(decision.policyVersion())
                .setSignal(signal)
                .setChanges(changesToAvro(decision.changes()))
                .setCommands(issuedCommands(decision.commands()))
                // Set rather than left to the builder, which deep-copies the schema's default for each event.
                .setAcks(List.of())
                .build();
    }

    /** The audit record of a grant expiry applied by the service itself. */
    public static AuditEvent expiryAudit(String subjectId, String syntheticSignalId, Decision decision,
            Instant recordedAt) {
        return AuditEvent.newBuilder()
                .setEventId(uuid(auditId("expiry", syntheticSignalId)))
                .setType(AuditEventType.GRANT_EXPIRED)
                .setSubjectId(subjectId)
                .setSignalId(uuid(syntheticSignalId))
                .setRecordedAt(recordedAt)
                .setOccurredAt(recordedAt)
                .setOutcome(enumToAvro(decision.outcome(), OUTCOME_OUT))
                .setReason(decision.reason())
                .setPolicyVersion(decision.policyVersion())
                .setChanges(changesToAvro(decision.changes()))
                .setCommands(issuedCommands(decision.commands()))
                .setAcks(List.of())
                .build();
    }

    /** What a decision's audit event says of each command it issued. */
    private static List<IssuedCommand> issuedCommands(List<Command> commands) {
        List<IssuedCommand> issued = new ArrayList<>(commands.size());
        for (Command command : commands) {
            issued.add(IssuedCommand.newBuilder()
                    .setCommandId(uuid(command.commandId()))
                    .setVendorId(command.vendorId())
                    .setAction(enumToAvro(command.action(), ACTION_OUT))
                    .setIssuedAt(command.issuedAt())
                    .build());
        }
        return issued;
    }

    /** The audit record of a signal refused before it reached the consent table. */
    public static AuditEvent rejectionAudit(ConsentSignal received, String reason, String policyVersion,
            Instant recordedAt, IdentifierHasher hasher) {
        ConsentSignal signal = withKeyedIdentifiers(received, hasher);
        String signalId = signal == null ? null : text(signal.getSignalId());
        return AuditEvent.newBuilder()
                .setEventId(uuid(signalId == null ? UUID.randomUUID().toString() : auditId("rejected", signalId)))
                .setType(AuditEventType.DECISION)
                .setSubjectId(signal == null ? null : signal.getSubjectId())
                .setSignalId(uuid(isUuid(signalId) ? signalId : null))
                .setRecordedAt(recordedAt)
                .setOccurredAt(signal == null ? null : signal.getOccurredAt())
                .setOutcome(DecisionOutcome.REJECTED)
                .setReason(reason)
                .setPolicyVersion(policyVersion)
                .setSignal(signal != null && isUuid(signalId) ? signal : null)
                .setChanges(List.of())
                .build();
    }

    /** The audit record of a signal that was already applied: received again, changed nothing. */
    public static AuditEvent duplicateAudit(ConsentSignal signal, Instant recordedAt) {
        return AuditEvent.newBuilder()
                .setEventId(UUID.randomUUID())
                .setType(AuditEventType.SIGNAL_RECEIVED)
                .setSubjectId(signal.getSubjectId())
                .setSignalId(signal.getSignalId())
                .setRecordedAt(recordedAt)
                .setOccurredAt(signal.getOccurredAt())
                .setOutcome(DecisionOutcome.NO_CHANGE)
                .setReason("Duplicate signal: " + text(signal.getSignalId()) + " was already applied")
                .setChanges(List.of())
                .build();
    }

    /** The audit record of one command issued to a vendor. */
    public static AuditEvent commandAudit(Command command, Instant recordedAt) {
        return AuditEvent.newBuilder()
                .setEventId(uuid(auditId("command", command.commandId())))
                .setType(AuditEventType.COMMAND_ISSUED)
                .setSubjectId(command.subjectId())
                .setSignalId(uuid(command.signalId()))
                .setRecordedAt(recordedAt)
                .setOccurredAt(command.issuedAt())
                .setReason(command.reason())
                .setPolicyVersion(command.policyVersion())
                .setChanges(List.of())
                .setCommandId(uuid(command.commandId()))
                .setVendorId(command.vendorId())
                .setAction(enumToAvro(command.action(), ACTION_OUT))
                .build();
    }

    // ---- propagation tracking -----------------------------------------------------------------------------

    /** A freshly issued command as a pending tracking entry. */
    public static PendingCommand pendingOf(PropagationCommand c, Instant now) {
        return PendingCommand.newBuilder()
                .setSignalId(c.getSignalId())
                .setCommandId(c.getCommandId())
                .setSubjectId(c.getSubjectId())
                .setVendorId(c.getVendorId())
                .setAction(c.getAction())
                .setSignalReceivedAt(c.getSignalReceivedAt())
                .setIssuedAt(c.getIssuedAt())
                .setDeadline(c.getDeadline())
                // Every field set: the builder looks each unset field's default up in the schema and copies it.
                .setStatus(null)
                .setAttempts(0)
                .setAppliedAt(null)
                .setDetail(null)
                .setBreached(false)
                .setUpdatedAt(now)
                .build();
    }

    /**
     * The decision as a propagation entry keeps it: the published event without its command list (the entry lists
     * the commands with their answers) and without the signal's hashed identifiers (no status shows them). It shares
     * the rest with the published event, so the event must not be changed afterwards; every acknowledgement writes
     * the entry again, and these two lists were about a third of it.
     */
    public static AuditEvent trackedDecision(AuditEvent decision) {
        AuditEvent tracked = new AuditEvent();
        for (Schema.Field field : AuditEvent.getClassSchema().getFields()) {
            tracked.put(field.pos(), decision.get(field.pos()));
        }
        tracked.setCommands(List.of());
        ConsentSignal signal = decision.getSignal();
        if (signal != null) {
            ConsentSignal withoutIdentifiers = shallowCopy(signal);
            withoutIdentifiers.setIdentifiers(List.of());
            tracked.setSignal(withoutIdentifiers);
        }
        return tracked;
    }

    /** A signal's propagation entry as its decision opens it: every command waiting for its vendor. */
    public static SignalPropagation propagationOf(String subjectId, String signalId,
            AuditEvent decision, List<PendingCommand> commands, Instant now) {
        return SignalPropagation.newBuilder()
                .setSubjectId(subjectId)
                .setSignalId(signalId)
                .setDecision(decision)
                .setCommands(new ArrayList<>(commands))
                .setUpdatedAt(now)
                .build();
    }

    /** Propagation latency of an acknowledged entry: the vendor's answer minus the signal's receipt. */
    public static Duration latency(PendingCommand p) {
        return p.getAppliedAt() == null ? null : Duration.between(p.getSignalReceivedAt(), p.getAppliedAt());
    }

    /** The receipt of a signal whose commands all have a final acknowledgement. */
    public static PropagationReceipt receiptOf(List<PendingCommand> entries) {
        PendingCommand first = entries.get(0);
        List<VendorOutcome> vendors = new ArrayList<>(entries.size());
        Instant completedAt = first.getSignalReceivedAt();
        boolean allHonoured = true;
        for (PendingCommand p : entries) {
            Instant appliedAt = p.getAppliedAt() == null ? p.getUpdatedAt() : p.getAppliedAt();
            completedAt = appliedAt.isAfter(completedAt) ? appliedAt : completedAt;
            allHonoured &= p.getStatus() == AckStatus.APPLIED
                    || p.getStatus() == AckStatus.NOT_FOUND;
            vendors.add(VendorOutcome.newBuilder()
                    .setVendorId(p.getVendorId())
                    .setCommandId(p.getCommandId())
                    .setAction(p.getAction())
                    .setStatus(p.getStatus())
                    .setAttempts(p.getAttempts())
                    .setAppliedAt(appliedAt)
                    .setDeadline(p.getDeadline())
                    .setLatencyMillis(Duration.between(p.getSignalReceivedAt(), appliedAt).toMillis())
                    .setMetDeadline(!appliedAt.isAfter(p.getDeadline()))
                    .build());
        }
        return PropagationReceipt.newBuilder()
                .setSignalId(first.getSignalId())
                .setSubjectId(first.getSubjectId())
                .setSignalReceivedAt(first.getSignalReceivedAt())
                .setCompletedAt(completedAt)
                .setVendors(vendors)
                .setAllHonoured(allHonoured)
                .build();
    }

    /** The breach of a command past its deadline, detected at {@code now}. */
    public static SlaBreach breachOf(PendingCommand p, Instant now) {
        return SlaBreach.newBuilder()
                .setCommandId(p.getCommandId())
                .setSignalId(p.getSignalId())
                .setSubjectId(p.getSubjectId())
                .setVendorId(p.getVendorId())
                .setAction(p.getAction())
                .setSignalReceivedAt(p.getSignalReceivedAt())
                .setDeadline(p.getDeadline())
                .setDetectedAt(now)
                .setOverdueMillis(Math.max(0, Duration.between(p.getDeadline(), now).toMillis()))
                .build();
    }

    /** The audit record of an acknowledgement joined to its command ({@code duplicate}: already final before). */
    public static AuditEvent ackAudit(CommandAck ack, PendingCommand command, boolean duplicate, Instant recordedAt) {
        String detail = ack.getDetail();
        if (duplicate) {
            detail = "Duplicate acknowledgement: command already final with status " + command.getStatus()
                    + (detail == null ? "" : "; vendor detail: " + detail);
        }
        return AuditEvent.newBuilder()
                .setEventId(duplicate ? UUID.randomUUID() : uuid(auditId("ack", text(ack.getCommandId()))))
                .setType(AuditEventType.ACK_RECEIVED)
                .setSubjectId(command.getSubjectId())
                .setSignalId(command.getSignalId())
                .setRecordedAt(recordedAt)
                .setOccurredAt(ack.getAppliedAt())
                .setChanges(List.of())
                .setCommandId(ack.getCommandId())
                .setVendorId(ack.getVendorId())
                .setAction(command.getAction())
                .setAckStatus(ack.getStatus())
                .setDetail(detail)
                .build();
    }

    /** The audit record of an acknowledgement that matches no tracked command. */
    public static AuditEvent unmatchedAckAudit(CommandAck ack, String signalId, String reason, Instant recordedAt) {
        return AuditEvent.newBuilder()
                .setEventId(UUID.randomUUID())
                .setType(AuditEventType.ACK_UNMATCHED)
                .setSignalId(uuid(isUuid(signalId) ? signalId : null))
                .setRecordedAt(recordedAt)
                .setOccurredAt(ack.getAppliedAt())
                .setReason(reason)
                .setChanges(List.of())
                .setCommandId(ack.getCommandId())
                .setVendorId(ack.getVendorId())
                .setAckStatus(ack.getStatus())
                .setDetail(ack.getDetail())
                .build();
    }

    /** The audit record of an SLA breach. */
    public static AuditEvent breachAudit(SlaBreach breach, List<PendingCommand> signalEntries, Instant recordedAt) {
        return AuditEvent.newBuilder()
                .setEventId(uuid(auditId("breach", text(breach.getCommandId()))))
                .setType(AuditEventType.SLA_BREACH)
                .setSubjectId(breach.getSubjectId())
                .setSignalId(breach.getSignalId())
                .setRecordedAt(recordedAt)
                .setOccurredAt(breach.getDeadline())
                .setReason("No final acknowledgement " + breach.getOverdueMillis() + " ms after the deadline")
                .setChanges(List.of())
                .setCommandId(breach.getCommandId())
                .setVendorId(breach.getVendorId())
                .setAction(breach.getAction())
                .setAcks(acked(signalEntries))
                .build();
    }

    /** The final acknowledgements among a signal's tracked commands, as an audit event lists them. */
    public static List<AckedCommand> acked(List<PendingCommand> entries) {
        List<AckedCommand> acks = new ArrayList<>();
        for (PendingCommand entry : entries) {
            if (entry.getStatus() != null) {
                acks.add(AckedCommand.newBuilder()
                        .setCommandId(entry.getCommandId())
                        .setVendorId(entry.getVendorId())
                        .setAction(entry.getAction())
                        .setStatus(entry.getStatus())
                        .setAppliedAt(entry.getAppliedAt())
                        .setDetail(entry.getDetail())
                        .build());
            }
        }
        return acks;
    }

    /** The audit record of a signal's propagation receipt. */
    public static AuditEvent receiptAudit(PropagationReceipt receipt, List<PendingCommand> entries,
            Instant recordedAt) {
        StringBuilder detail = new StringBuilder();
        for (VendorOutcome v : receipt.getVendors()) {
            detail.append(detail.length() == 0 ? "" : "; ").append(v.getVendorId()).append(' ')
                    .append(v.getAction()).append('=').append(v.getStatus()).append(" in ")
                    .append(v.getLatencyMillis()).append(" ms").append(v.getMetDeadline() ? "" : " (late)");
        }
        return AuditEvent.newBuilder()
                .setEventId(uuid(auditId("receipt", text(receipt.getSignalId()))))
                .setType(AuditEventType.PROPAGATION_COMPLETED)
                .setSubjectId(receipt.getSubjectId())
                .setSignalId(receipt.getSignalId())
                .setRecordedAt(recordedAt)
                .setOccurredAt(receipt.getCompletedAt())
                .setReason(receipt.getAllHonoured()
                        ? "Every vendor honoured the commands"
                        : "Not every vendor honoured the commands")
                .setChanges(List.of())
                .setDetail(detail.toString())
                .setAcks(acked(entries))
                .build();
    }

    private static List<PurposeChange> changesToAvro(List<Decision.Change> changes) {
        List<PurposeChange> out = new ArrayList<>(changes.size());
        for (Decision.Change c : changes) {
            out.add(PurposeChange.newBuilder()
                    .setPurpose(c.purpose())
                    .setStatusBefore(c.statusBefore() == null
                            ? ConsentStatus.UNKNOWN
                            : enumToAvro(c.statusBefore(), STATUS_OUT))
                    .setStatusAfter(c.statusAfter() == null
                            ? ConsentStatus.UNKNOWN
                            : enumToAvro(c.statusAfter(), STATUS_OUT))
                    .setModel(c.model() == null
                            ? ConsentModel.UNKNOWN
                            : enumToAvro(c.model(), MODEL_OUT))
                    .setAllowedBefore(c.allowedBefore())
                    .setAllowedAfter(c.allowedAfter())
                    .setRule(c.rule() == null ? "" : c.rule())
                    .build());
        }
        return out;
    }

    /** Deterministic audit event id, so a replayed decision is recognisable as the same event. */
    static String auditId(String kind, String id) {
        return NameUuids.of(kind + "|" + id);
    }

    private static boolean isUuid(String value) {
        if (value == null) {
            return false;
        }
        try {
            UUID.fromString(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
