package dev.consentrelay.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.AckedCommand;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.IssuedCommand;
import dev.consentrelay.serde.SampleRecords;

import static org.assertj.core.api.Assertions.assertThat;

/** The proof report reads a decision's commands from its event and their answers from the receipt's event. */
class ProofReportTest {

    private static final UUID ADNET = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID MAILER = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    @Test
    void shouldProveEachCommandOfADecisionWithTheAnswerItsReceiptLists() {
        ConsentSignal signal = SampleRecords.signal();
        Instant decided = signal.getReceivedAt().plusMillis(20);
        AuditEvent decision = event(signal, AuditEventType.DECISION, decided)
                .setOutcome(DecisionOutcome.APPLIED).setSignal(signal)
                .setCommands(List.of(issued(ADNET, "adnet", decided), issued(MAILER, "mailer", decided))).build();
        AuditEvent receipt = event(signal, AuditEventType.PROPAGATION_COMPLETED, decided.plusSeconds(3))
                .setAcks(List.of(acked(ADNET, "adnet", AckStatus.APPLIED, decided.plusSeconds(1)),
                        acked(MAILER, "mailer", AckStatus.NOT_FOUND, decided.plusSeconds(2))))
                .build();

        ProofReport report = ProofReport.of("subj-1", List.of(decision, receipt), Map.of(),
                decided.plusSeconds(10));

        assertThat(report.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.type()).isEqualTo("SIGNAL");
            assertThat(entry.commands()).extracting(c -> c.vendorId() + ":" + c.action() + ":" + c.ack().status())
                    .containsExactly("adnet:SUPPRESS:APPLIED", "mailer:SUPPRESS:NOT_FOUND");
            assertThat(entry.commands()).allSatisfy(c -> assertThat(c.issuedAt()).isEqualTo(decided.toString()));
            assertThat(entry.commands().get(1).ack().latencyMillis()).isEqualTo(
                    java.time.Duration.between(signal.getReceivedAt(), decided.plusSeconds(2)).toMillis());
        });
    }

    @Test
    void shouldShowACommandWithoutAnswerUntilItsReceiptOrAnAnswerOfItsOwnIsRecorded() {
        ConsentSignal signal = SampleRecords.signal();
        Instant decided = signal.getReceivedAt().plusMillis(20);
        AuditEvent decision = event(signal, AuditEventType.DECISION, decided).setOutcome(DecisionOutcome.APPLIED)
                .setSignal(signal).setCommands(List.of(issued(ADNET, "adnet", decided))).build();
        AuditEvent lateAnswer = event(signal, AuditEventType.ACK_RECEIVED, decided.plusSeconds(90))
                .setCommandId(ADNET).setVendorId("adnet").setAction(CommandAction.SUPPRESS)
                .setAckStatus(AckStatus.APPLIED).setOccurredAt(decided.plusSeconds(80)).build();

        ProofReport pending = ProofReport.of("subj-1", List.of(decision), Map.of(), decided.plusSeconds(10));
        ProofReport answered = ProofReport.of("subj-1", List.of(decision, lateAnswer), Map.of(),
                decided.plusSeconds(100));

        assertThat(pending.entries().get(0).commands()).singleElement().satisfies(c -> assertThat(c.ack()).isNull());
        assertThat(answered.entries().get(0).commands()).singleElement()
                .satisfies(c -> assertThat(c.ack().status()).isEqualTo("APPLIED"));
    }

    private static AuditEvent.Builder event(ConsentSignal signal, AuditEventType type, Instant recordedAt) {
        return AuditEvent.newBuilder().setEventId(UUID.randomUUID()).setType(type)
                .setSubjectId(signal.getSubjectId()).setSignalId(signal.getSignalId()).setRecordedAt(recordedAt)
                .setOccurredAt(signal.getOccurredAt()).setChanges(List.of());
    }

    private static IssuedCommand issued(UUID commandId, String vendorId, Instant at) {
        return IssuedCommand.newBuilder().setCommandId(commandId).setVendorId(vendorId)
                .setAction(CommandAction.SUPPRESS).setIssuedAt(at).build();
    }

    private static AckedCommand acked(UUID commandId, String vendorId, AckStatus status, Instant at) {
        return AckedCommand.newBuilder().setCommandId(commandId).setVendorId(vendorId)
                .setAction(CommandAction.SUPPRESS).setStatus(status).setAppliedAt(at).build();
    }
}
