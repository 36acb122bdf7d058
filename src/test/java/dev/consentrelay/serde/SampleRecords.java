package dev.consentrelay.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.ConsentModel;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.ConsentStatus;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.GpcState;
import dev.consentrelay.schema.Identifier;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.PurposeChange;
import dev.consentrelay.schema.PurposeConsent;
import dev.consentrelay.schema.SignalKind;
import dev.consentrelay.schema.SignalSource;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.schema.VendorKind;
import dev.consentrelay.schema.VendorOutcome;
import dev.consentrelay.schema.VendorRecord;

/**
 * One fully populated instance of every top-level record, and the test-only v2 of ConsentSignal, for round-trip,
 * evolution and interop tests.
 */
public final class SampleRecords {

    public static final UUID SIGNAL_ID = UUID.fromString("3f1c2a4e-8d5b-4c1e-9a7f-2b6d8e0c1a35");
    public static final UUID COMMAND_ID = UUID.fromString("9b2e7d10-4f3a-4e8b-b1c2-7a5d6e3f8c90");
    public static final Instant OCCURRED = Instant.parse("2026-03-01T10:15:30.123Z");
    public static final Instant RECEIVED = Instant.parse("2026-03-01T10:15:31.456Z");

    private SampleRecords() {
    }

    public static List<Identifier> identifiers() {
        return List.of(
                new Identifier("email_sha256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
                new Identifier("device_id", "dev-123"));
    }

    public static ConsentSignal signal() {
        return ConsentSignal.newBuilder().setSignalId(SIGNAL_ID).setSubjectId("subj-1")
                .setIdentifiers(identifiers()).setKind(SignalKind.WITHDRAWAL)
                .setPurposes(List.of("advertising", "analytics")).setRegion("EU").setSource(SignalSource.WEB_BANNER)
                .setMethod("toggle").setPolicyVersion("2026-01").setOccurredAt(OCCURRED).setReceivedAt(RECEIVED)
                .setErase(true).setLinkedSubjectId("subj-1-account").build();
    }

    public static SubjectConsentState state() {
        PurposeConsent consent = PurposeConsent.newBuilder().setStatus(ConsentStatus.GRANTED).setSince(OCCURRED)
                .setSignalId(SIGNAL_ID).setSource(SignalSource.PREFERENCE_CENTER).setMethod("toggle")
                .setPolicyVersion("2026-01").setExpiresAt(OCCURRED.plusSeconds(3600)).build();
        PurposeConsent denied = PurposeConsent.newBuilder().setStatus(ConsentStatus.DENIED).setSince(OCCURRED)
                .setSignalId(SIGNAL_ID).setSource(SignalSource.BROWSER_GPC).setMethod(null).setPolicyVersion(null)
                .setExpiresAt(null).build();
        return SubjectConsentState.newBuilder().setSubjectId("subj-1").setRegion("US-CA")
                .setIdentifiers(identifiers()).setPurposes(Map.of("analytics", consent, "sale_sharing", denied))
                .setGpc(GpcState.newBuilder().setActive(true).setFirstSeenAt(OCCURRED).setLastSeenAt(RECEIVED)
                        .build())
                .setErasedAt(null).setUpdatedAt(RECEIVED).setLastSignalId(SIGNAL_ID).build();
    }

    public static VendorRecord vendor() {
        return VendorRecord.newBuilder().setVendorId("adplatform").setName("Ad Platform")
                .setKind(VendorKind.SUB_PROCESSOR).setParentVendorId("cdp").setPurposes(List.of("advertising"))
                .setRegions(List.of()).setActions(List.of(CommandAction.SUPPRESS, CommandAction.DELETE))
                .setIdentifierTypes(List.of("email_sha256")).setSlaMillis(60_000L).setEnabled(true).build();
    }

    public static PropagationCommand command() {
        return PropagationCommand.newBuilder().setCommandId(COMMAND_ID).setSignalId(SIGNAL_ID).setSubjectId("subj-1")
                .setVendorId("adplatform").setAction(CommandAction.SUPPRESS).setPurposes(List.of("advertising"))
                .setIdentifiers(identifiers()).setReason("withdrawal").setRegion("EU").setPolicyVersion("2026-01")
                .setSignalReceivedAt(RECEIVED).setIssuedAt(RECEIVED.plusMillis(12))
                .setDeadline(RECEIVED.plusSeconds(60)).build();
    }

    public static CommandAck ack() {
        return CommandAck.newBuilder().setCommandId(COMMAND_ID).setVendorId("adplatform")
                .setStatus(AckStatus.NOT_FOUND).setDetail("no such user").setAppliedAt(RECEIVED.plusSeconds(2))
                .setAttempts(2).setSignalId(SIGNAL_ID).build();
    }

    public static PropagationReceipt receipt() {
        VendorOutcome outcome = VendorOutcome.newBuilder().setVendorId("adplatform").setCommandId(COMMAND_ID)
                .setAction(CommandAction.SUPPRESS).setStatus(AckStatus.APPLIED).setAttempts(1)
                .setAppliedAt(RECEIVED.plusSeconds(2)).setDeadline(RECEIVED.plusSeconds(60)).setLatencyMillis(2000L)
                .setMetDeadline(true).build();
        return PropagationReceipt.newBuilder().setSignalId(SIGNAL_ID).setSubjectId("subj-1")
                .setSignalReceivedAt(RECEIVED).setCompletedAt(RECEIVED.plusSeconds(2)).setVendors(List.of(outcome))
                .setAllHonoured(true).build();
    }

    public static SlaBreach breach() {
        return SlaBreach.newBuilder().setCommandId(COMMAND_ID).setSignalId(SIGNAL_ID).setSubjectId("subj-1")
                .setVendorId("adplatform").setAction(CommandAction.DELETE).setSignalReceivedAt(RECEIVED)
                .setDeadline(RECEIVED.plusSeconds(60)).setDetectedAt(RECEIVED.plusSeconds(61)).setOverdueMillis(1000L)
                .build();
    }

    public static AuditEvent audit() {
        PurposeChange change = PurposeChange.newBuilder().setPurpose("advertising")
                .setStatusBefore(ConsentStatus.GRANTED).setStatusAfter(ConsentStatus.WITHDRAWN)
                .setModel(ConsentModel.OPT_IN).setAllowedBefore(true).setAllowedAfter(false)
                .setRule("withdrawal-revokes-grant").build();
        return AuditEvent.newBuilder().setEventId(UUID.fromString("0e6f1b2c-3d4a-4b5c-8d6e-7f8091a2b3c4"))
                .setType(AuditEventType.DECISION).setSubjectId("subj-1").setSignalId(SIGNAL_ID)
                .setRecordedAt(RECEIVED).setOccurredAt(OCCURRED).setOutcome(DecisionOutcome.APPLIED)
                .setReason("withdrawal").setPolicyVersion("2026-01").setSignal(signal()).setChanges(List.of(change))
                .setCommandId(COMMAND_ID).setVendorId("adplatform").setAction(CommandAction.SUPPRESS)
                .setAckStatus(AckStatus.APPLIED).setDetail("ok").build();
    }

    /** Every top-level record type, once. */
    public static List<SpecificRecord> all() {
        return List.of(signal(), state(), vendor(), command(), ack(), receipt(), breach(), audit());
    }

    /** The test-only v2 of ConsentSignal: one more optional field. */
    public static Schema consentSignalV2() throws IOException {
        try (InputStream in = SampleRecords.class.getResourceAsStream("/schemas/ConsentSignal-v2.avsc")) {
            if (in == null) {
                throw new IllegalStateException("Missing test resource schemas/ConsentSignal-v2.avsc");
            }
            return new Schema.Parser().parse(in);
        }
    }

    /** {@link SampleRecords#signal()} as a v2 generic record with a consent string set. */
    public static GenericRecord v2Signal(Schema v2) {
        ConsentSignal v1 = SampleRecords.signal();
        Schema identifier = v2.getField("identifiers").schema().getElementType();
        List<GenericRecord> identifiers = new ArrayList<>();
        v1.getIdentifiers().forEach(i -> {
            GenericRecord id = new GenericData.Record(identifier);
            id.put("type", i.getType());
            id.put("value", i.getValue());
            identifiers.add(id);
        });
        GenericRecord record = new GenericData.Record(v2);
        record.put("signalId", v1.getSignalId().toString());
        record.put("subjectId", v1.getSubjectId());
        record.put("identifiers", identifiers);
        record.put("kind", new GenericData.EnumSymbol(v2.getField("kind").schema(), v1.getKind().name()));
        record.put("purposes", v1.getPurposes());
        record.put("region", v1.getRegion());
        record.put("source", new GenericData.EnumSymbol(v2.getField("source").schema(), v1.getSource().name()));
        record.put("method", v1.getMethod());
        record.put("policyVersion", v1.getPolicyVersion());
        record.put("occurredAt", v1.getOccurredAt().toEpochMilli());
        record.put("receivedAt", v1.getReceivedAt().toEpochMilli());
        record.put("erase", v1.getErase());
        record.put("linkedSubjectId", v1.getLinkedSubjectId());
        record.put("consentString", "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA");
        return record;
    }

    /** A generic record in wire format under the given schema id, written the way another producer would. */
    public static byte[] frame(int schemaId, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
