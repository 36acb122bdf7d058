package dev.consentrelay.avro;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.CommandAction;
import dev.consentrelay.domain.ConsentSignal;
import dev.consentrelay.domain.ConsentStatus;
import dev.consentrelay.domain.Decision;
import dev.consentrelay.domain.GpcState;
import dev.consentrelay.domain.Identifier;
import dev.consentrelay.domain.IdentifierHasher;
import dev.consentrelay.domain.PurposeChange;
import dev.consentrelay.domain.PurposeConsent;
import dev.consentrelay.domain.SignalKind;
import dev.consentrelay.domain.SignalSource;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.domain.VendorKind;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.schema.VendorOutcome;
import dev.consentrelay.schema.VendorRecord;

/**
 * Maps the generated Avro records (the wire contract) to the domain records the policy engine works on, and back.
 * Enum symbols a reader does not know arrive as {@code UNKNOWN} and map to {@code null}, which validation rejects.
 */
public final class AvroMapper {

    private AvroMapper() {
    }

    // ---- signals ------------------------------------------------------------------------------------------

    public static ConsentSignal toDomain(dev.consentrelay.schema.ConsentSignal s) {
        return new ConsentSignal(text(s.getSignalId()), s.getSubjectId(), identifiersToDomain(s.getIdentifiers()),
                enumToDomain(s.getKind(), SignalKind.class), new HashSet<>(s.getPurposes()), s.getRegion(),
                enumToDomain(s.getSource(), SignalSource.class), s.getMethod(), s.getPolicyVersion(),
                s.getOccurredAt(), s.getReceivedAt(), s.getErase(), s.getLinkedSubjectId());
    }

    public static dev.consentrelay.schema.ConsentSignal toAvro(ConsentSignal s) {
        return dev.consentrelay.schema.ConsentSignal.newBuilder()
                .setSignalId(uuid(s.signalId()))
                .setSubjectId(s.subjectId())
                .setIdentifiers(identifiersToAvro(s.identifiers()))
                .setKind(enumToAvro(s.kind(), dev.consentrelay.schema.SignalKind.class))
                .setPurposes(new ArrayList<>(s.purposes()))
                .setRegion(s.region())
                .setSource(enumToAvro(s.source(), dev.consentrelay.schema.SignalSource.class))
                .setMethod(s.method())
                .setPolicyVersion(s.policyVersion())
                .setOccurredAt(s.occurredAt())
                .setReceivedAt(s.receivedAt())
                .setErase(s.erase())
                .setLinkedSubjectId(s.linkedSubjectId())
                .build();
    }

    // ---- consent table ------------------------------------------------------------------------------------

    public static SubjectConsent toDomain(SubjectConsentState s) {
        Map<String, PurposeConsent> purposes = new LinkedHashMap<>();
        s.getPurposes().forEach((purpose, p) -> purposes.put(purpose, new PurposeConsent(
                enumToDomain(p.getStatus(), ConsentStatus.class), p.getSince(), text(p.getSignalId()),
                enumToDomain(p.getSource(), SignalSource.class), p.getMethod(), p.getPolicyVersion(),
                p.getExpiresAt())));
        dev.consentrelay.schema.GpcState gpc = s.getGpc();
        return new SubjectConsent(s.getSubjectId(), s.getRegion(), identifiersToDomain(s.getIdentifiers()), purposes,
                gpc == null ? null : new GpcState(gpc.getActive(), gpc.getFirstSeenAt(), gpc.getLastSeenAt()),
                s.getErasedAt(), s.getUpdatedAt(), text(s.getLastSignalId()));
    }

    public static SubjectConsentState toAvro(SubjectConsent s) {
        Map<String, dev.consentrelay.schema.PurposeConsent> purposes = new LinkedHashMap<>();
        s.purposes().forEach((purpose, p) -> purposes.put(purpose, dev.consentrelay.schema.PurposeConsent
                .newBuilder()
                .setStatus(enumToAvro(p.status(), dev.consentrelay.schema.ConsentStatus.class))
                .setSince(p.since())
                .setSignalId(uuid(p.signalId()))
                .setSource(enumToAvro(p.source(), dev.consentrelay.schema.SignalSource.class))
                .setMethod(p.method())
                .setPolicyVersion(p.policyVersion())
                .setExpiresAt(p.expiresAt())
                .build()));
        GpcState gpc = s.gpc();
        return SubjectConsentState.newBuilder()
                .setSubjectId(s.subjectId())
                .setRegion(s.region())
                .setIdentifiers(identifiersToAvro(s.identifiers()))
                .setPurposes(purposes)
                .setGpc(gpc == null
                        ? null
                        : dev.consentrelay.schema.GpcState.newBuilder()
                                .setActive(gpc.active())
                                .setFirstSeenAt(gpc.firstSeenAt())
                                .setLastSeenAt(gpc.lastSeenAt())
                                .build())
                .setErasedAt(s.erasedAt())
                .setUpdatedAt(s.updatedAt() == null ? Instant.EPOCH : s.updatedAt())
                .setLastSignalId(uuid(s.lastSignalId()))
                .build();
    }

    // ---- vendors ------------------------------------------------------------------------------------------

    public static Vendor toDomain(VendorRecord v) {
        List<CommandAction> actions = new ArrayList<>();
        for (dev.consentrelay.schema.CommandAction action : v.getActions()) {
            CommandAction mapped = enumToDomain(action, CommandAction.class);
            if (mapped != null) {
                actions.add(mapped);
            }
        }
        return new Vendor(v.getVendorId(), v.getName(), enumToDomain(v.getKind(), VendorKind.class),
                v.getParentVendorId(), new HashSet<>(v.getPurposes()), new HashSet<>(v.getRegions()),
                new HashSet<>(actions), new HashSet<>(v.getIdentifierTypes()), Duration.ofMillis(v.getSlaMillis()),
                v.getEnabled());
    }

    public static VendorRecord toAvro(Vendor v) {
        List<dev.consentrelay.schema.CommandAction> actions = new ArrayList<>();
        v.actions().forEach(a -> actions.add(enumToAvro(a, dev.consentrelay.schema.CommandAction.class)));
        return VendorRecord.newBuilder()
                .setVendorId(v.vendorId())
                .setName(v.name() == null ? v.vendorId() : v.name())
                .setKind(enumToAvro(v.kind(), dev.consentrelay.schema.VendorKind.class))
                .setParentVendorId(v.parentVendorId())
                .setPurposes(new ArrayList<>(v.purposes()))
                .setRegions(new ArrayList<>(v.regions()))
                .setActions(actions)
                .setIdentifierTypes(new ArrayList<>(v.identifierTypes()))
                .setSlaMillis(v.sla().toMillis())
                .setEnabled(v.enabled())
                .build();
    }

    // ---- commands -----------------------------------------------------------------------------------------

    public static PropagationCommand toAvro(Command c) {
        return PropagationCommand.newBuilder()
                .setCommandId(uuid(c.commandId()))
                .setSignalId(uuid(c.signalId()))
                .setSubjectId(c.subjectId())
                .setVendorId(c.vendorId())
                .setAction(enumToAvro(c.action(), dev.consentrelay.schema.CommandAction.class))
                .setPurposes(new ArrayList<>(c.purposes()))
                .setIdentifiers(identifiersToAvro(c.identifiers()))
                .setReason(c.reason())
                .setRegion(c.region())
                .setPolicyVersion(c.policyVersion())
                .setSignalReceivedAt(c.signalReceivedAt())
                .setIssuedAt(c.issuedAt())
                .setDeadline(c.deadline())
                .build();
    }

    public static Command toDomain(PropagationCommand c) {
        return new Command(text(c.getCommandId()), text(c.getSignalId()), c.getSubjectId(), c.getVendorId(),
                enumToDomain(c.getAction(), CommandAction.class), new HashSet<>(c.getPurposes()),
                identifiersToDomain(c.getIdentifiers()), c.getReason(), c.getRegion(), c.getPolicyVersion(),
                c.getSignalReceivedAt(), c.getIssuedAt(), c.getDeadline());
    }

    // ---- audit --------------------------------------------------------------------------------------------

    /**
     * The signal as the audit trail keeps it: as received, except that each identifier's value is its keyed hash. The
     * trail is immutable, so it never holds what an erasure would have to remove.
     */
    public static dev.consentrelay.schema.ConsentSignal withKeyedIdentifiers(
            dev.consentrelay.schema.ConsentSignal signal,
            IdentifierHasher hasher) {
        if (signal == null || signal.getIdentifiers() == null || signal.getIdentifiers().isEmpty()) {
            return signal;
        }
        return dev.consentrelay.schema.ConsentSignal.newBuilder(signal)
                .setIdentifiers(identifiersToAvro(hasher.redact(identifiersToDomain(signal.getIdentifiers()))))
                .build();
    }

    /** The audit record of one decision, carrying the signal as received (identifiers as keyed hashes). */
    public static AuditEvent decisionAudit(dev.consentrelay.schema.ConsentSignal received, Decision decision,
            Instant recordedAt, IdentifierHasher hasher) {
        dev.consentrelay.schema.ConsentSignal signal = withKeyedIdentifiers(received, hasher);
        return AuditEvent.newBuilder()
                .setEventId(uuid(auditId("decision", text(signal.getSignalId()))))
                .setType(AuditEventType.DECISION)
                .setSubjectId(signal.getSubjectId())
                .setSignalId(signal.getSignalId())
                .setRecordedAt(recordedAt)
                .setOccurredAt(signal.getOccurredAt())
                .setOutcome(enumToAvro(decision.outcome(), dev.consentrelay.schema.DecisionOutcome.class))
                .setReason(decision.reason())
                .setPolicyVersion(decision.policyVersion())
                .setSignal(signal)
                .setChanges(changesToAvro(decision.changes()))
                .setCommands(issuedCommands(decision.commands()))
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
                .setOutcome(enumToAvro(decision.outcome(), dev.consentrelay.schema.DecisionOutcome.class))
                .setReason(decision.reason())
                .setPolicyVersion(decision.policyVersion())
                .setChanges(changesToAvro(decision.changes()))
                .setCommands(issuedCommands(decision.commands()))
                .build();
    }

    /** What a decision's audit event says of each command it issued. */
    private static List<dev.consentrelay.schema.IssuedCommand> issuedCommands(List<Command> commands) {
        List<dev.consentrelay.schema.IssuedCommand> issued = new ArrayList<>(commands.size());
        for (Command command : commands) {
            issued.add(dev.consentrelay.schema.IssuedCommand.newBuilder()
                    .setCommandId(uuid(command.commandId()))
                    .setVendorId(command.vendorId())
                    .setAction(enumToAvro(command.action(), dev.consentrelay.schema.CommandAction.class))
                    .setIssuedAt(command.issuedAt())
                    .build());
        }
        return issued;
    }

    /** The audit record of a signal refused before it reached the consent table. */
    public static AuditEvent rejectionAudit(dev.consentrelay.schema.ConsentSignal received, String reason,
            String policyVersion, Instant recordedAt, IdentifierHasher hasher) {
        dev.consentrelay.schema.ConsentSignal signal = withKeyedIdentifiers(received, hasher);
        String signalId = signal == null ? null : text(signal.getSignalId());
        return AuditEvent.newBuilder()
                .setEventId(uuid(signalId == null ? UUID.randomUUID().toString() : auditId("rejected", signalId)))
                .setType(AuditEventType.DECISION)
                .setSubjectId(signal == null ? null : signal.getSubjectId())
                .setSignalId(uuid(isUuid(signalId) ? signalId : null))
                .setRecordedAt(recordedAt)
                .setOccurredAt(signal == null ? null : signal.getOccurredAt())
                .setOutcome(dev.consentrelay.schema.DecisionOutcome.REJECTED)
                .setReason(reason)
                .setPolicyVersion(policyVersion)
                .setSignal(signal != null && isUuid(signalId) ? signal : null)
                .setChanges(List.of())
                .build();
    }

    /** The audit record of a signal that was already applied: received again, changed nothing. */
    public static AuditEvent duplicateAudit(dev.consentrelay.schema.ConsentSignal signal, Instant recordedAt) {
        return AuditEvent.newBuilder()
                .setEventId(UUID.randomUUID())
                .setType(AuditEventType.SIGNAL_RECEIVED)
                .setSubjectId(signal.getSubjectId())
                .setSignalId(signal.getSignalId())
                .setRecordedAt(recordedAt)
                .setOccurredAt(signal.getOccurredAt())
                .setOutcome(dev.consentrelay.schema.DecisionOutcome.NO_CHANGE)
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
                .setAction(enumToAvro(command.action(), dev.consentrelay.schema.CommandAction.class))
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
                .setUpdatedAt(now)
                .build();
    }

    /** A signal's propagation entry as its decision opens it: every command waiting for its vendor. */
    public static dev.consentrelay.schema.SignalPropagation propagationOf(String subjectId, String signalId,
            AuditEvent decision, List<PendingCommand> commands, Instant now) {
        return dev.consentrelay.schema.SignalPropagation.newBuilder()
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
            allHonoured &= p.getStatus() == dev.consentrelay.schema.AckStatus.APPLIED
                    || p.getStatus() == dev.consentrelay.schema.AckStatus.NOT_FOUND;
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
    public static List<dev.consentrelay.schema.AckedCommand> acked(List<PendingCommand> entries) {
        List<dev.consentrelay.schema.AckedCommand> acks = new ArrayList<>();
        for (PendingCommand entry : entries) {
            if (entry.getStatus() != null) {
                acks.add(dev.consentrelay.schema.AckedCommand.newBuilder()
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

    private static List<dev.consentrelay.schema.PurposeChange> changesToAvro(List<PurposeChange> changes) {
        List<dev.consentrelay.schema.PurposeChange> out = new ArrayList<>(changes.size());
        for (PurposeChange c : changes) {
            out.add(dev.consentrelay.schema.PurposeChange.newBuilder()
                    .setPurpose(c.purpose())
                    .setStatusBefore(c.statusBefore() == null
                            ? dev.consentrelay.schema.ConsentStatus.UNKNOWN
                            : enumToAvro(c.statusBefore(), dev.consentrelay.schema.ConsentStatus.class))
                    .setStatusAfter(c.statusAfter() == null
                            ? dev.consentrelay.schema.ConsentStatus.UNKNOWN
                            : enumToAvro(c.statusAfter(), dev.consentrelay.schema.ConsentStatus.class))
                    .setModel(c.model() == null
                            ? dev.consentrelay.schema.ConsentModel.UNKNOWN
                            : enumToAvro(c.model(), dev.consentrelay.schema.ConsentModel.class))
                    .setAllowedBefore(c.allowedBefore())
                    .setAllowedAfter(c.allowedAfter())
                    .setRule(c.rule() == null ? "" : c.rule())
                    .build());
        }
        return out;
    }

    /** Deterministic audit event id, so a replayed decision is recognisable as the same event. */
    static String auditId(String kind, String id) {
        return UUID.nameUUIDFromBytes((kind + "|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
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

    // ---- helpers ------------------------------------------------------------------------------------------

    static UUID uuid(String value) {
        return value == null ? null : UUID.fromString(value);
    }

    static String text(UUID value) {
        return value == null ? null : value.toString();
    }

    private static List<Identifier> identifiersToDomain(List<dev.consentrelay.schema.Identifier> ids) {
        List<Identifier> out = new ArrayList<>(ids.size());
        ids.forEach(i -> out.add(new Identifier(i.getType(), i.getValue())));
        return out;
    }

    private static List<dev.consentrelay.schema.Identifier> identifiersToAvro(List<Identifier> ids) {
        List<dev.consentrelay.schema.Identifier> out = new ArrayList<>(ids.size());
        ids.forEach(i -> out.add(new dev.consentrelay.schema.Identifier(i.type(), i.value())));
        return out;
    }

    static <A extends Enum<A>, D extends Enum<D>> D enumToDomain(A value, Class<D> type) {
        if (value == null || "UNKNOWN".equals(value.name())) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.name());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static <D extends Enum<D>, A extends Enum<A>> A enumToAvro(D value, Class<A> type) {
        return Enum.valueOf(type, value == null ? "UNKNOWN" : value.name());
    }
}
