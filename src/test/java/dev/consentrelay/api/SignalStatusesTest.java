package dev.consentrelay.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.ConsentModel;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.ConsentStatus;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.Identifier;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PurposeChange;
import dev.consentrelay.schema.SignalKind;
import dev.consentrelay.schema.SignalSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code GET /v1/signals/{id}} says of a signal, from its decision and its commands. */
class SignalStatusesTest {

    private static final UUID SIGNAL = UUID.fromString("0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69");
    private static final Instant OCCURRED = Instant.parse("2026-11-20T08:59:00Z");
    private static final Instant RECEIVED = Instant.parse("2026-11-20T09:00:00Z");

    @Test
    void shouldDescribeTheSignalItsDecisionAndEachVendor() {
        SignalStatus status = SignalStatuses.of(SIGNAL.toString(), decision(DecisionOutcome.APPLIED),
                List.of(entry("adnet", AckStatus.APPLIED, RECEIVED.plusMillis(850)), entry("mailer", null, null)));

        assertThat(status.state()).isEqualTo("PROPAGATING");
        assertThat(status.subjectId()).isEqualTo("user-1");
        assertThat(status.kind()).isEqualTo("OPT_OUT");
        assertThat(status.purposes()).containsExactly("advertising");
        assertThat(status.region()).isEqualTo("US-CA");
        assertThat(status.source()).isEqualTo("PREFERENCE_CENTER");
        assertThat(status.occurredAt()).isEqualTo(OCCURRED);
        assertThat(status.receivedAt()).isEqualTo(RECEIVED);
        assertThat(status.decision().outcome()).isEqualTo("APPLIED");
        assertThat(status.decision().policyVersion()).isEqualTo("2026-11-01");
        assertThat(status.decision().changes()).singleElement().satisfies(change -> {
            assertThat(change.purpose()).isEqualTo("advertising");
            assertThat(change.statusAfter()).isEqualTo("DENIED");
            assertThat(change.allowedBefore()).isTrue();
            assertThat(change.allowedAfter()).isFalse();
        });
        assertThat(status.propagation().vendors()).extracting(PropagationStatus.VendorStatus::vendorId,
                PropagationStatus.VendorStatus::status, PropagationStatus.VendorStatus::latencyMillis)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("adnet", "APPLIED", 850L),
                        org.assertj.core.groups.Tuple.tuple("mailer", "PENDING", null));
    }

    @Test
    void shouldBePropagatedOnceEveryVendorAnswered() {
        SignalStatus status = SignalStatuses.of(SIGNAL.toString(), decision(DecisionOutcome.APPLIED),
                List.of(entry("adnet", AckStatus.APPLIED, RECEIVED.plusSeconds(1)),
                        entry("mailer", AckStatus.NOT_FOUND, RECEIVED.plusSeconds(2))));

        assertThat(status.state()).isEqualTo("PROPAGATED");
        assertThat(status.propagation().complete()).isTrue();
    }

    @Test
    void shouldSayDecidedWhenNoCommandWasNeededAndRejectedWhenRefused() {
        assertThat(SignalStatuses.of(SIGNAL.toString(), decision(DecisionOutcome.NO_CHANGE), List.of()).state())
                .isEqualTo("DECIDED");
        SignalStatus rejected = SignalStatuses.of(SIGNAL.toString(), decision(DecisionOutcome.REJECTED), List.of());
        assertThat(rejected.state()).isEqualTo("REJECTED");
        assertThat(rejected.propagation().vendors()).isEmpty();
    }

    @Test
    void shouldAnswerFromTheCommandsAloneWhileTheDecisionIsOnItsWay() {
        SignalStatus status = SignalStatuses.of(SIGNAL.toString(), null, List.of(entry("adnet", null, null)));

        assertThat(status.state()).isEqualTo("PROPAGATING");
        assertThat(status.decision()).isNull();
        assertThat(status.subjectId()).isEqualTo("user-1");
        assertThat(status.receivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    void shouldFindNothingWithoutDecisionOrCommand() {
        assertThat(SignalStatuses.of(SIGNAL.toString(), null, List.of())).isNull();
    }

    @Test
    void shouldAcceptOnlyCanonicalUuids() {
        assertThat(SignalStatusQuery.isCanonicalUuid(SIGNAL.toString())).isTrue();
        assertThat(SignalStatusQuery.isCanonicalUuid("1-1-1-1-1")).isFalse();
        assertThat(SignalStatusQuery.isCanonicalUuid("not-a-uuid")).isFalse();
    }

    private static AuditEvent decision(DecisionOutcome outcome) {
        ConsentSignal signal = ConsentSignal.newBuilder().setSignalId(SIGNAL).setSubjectId("user-1")
                .setIdentifiers(List.of(new Identifier("email_sha256",
                        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")))
                .setKind(SignalKind.OPT_OUT)
                .setPurposes(List.of("advertising")).setRegion("US-CA").setSource(SignalSource.PREFERENCE_CENTER)
                .setMethod("toggle").setPolicyVersion("2026-11-01").setOccurredAt(OCCURRED).setReceivedAt(RECEIVED)
                .build();
        return AuditEvent.newBuilder().setEventId(UUID.randomUUID()).setType(AuditEventType.DECISION)
                .setSubjectId("user-1").setSignalId(SIGNAL).setRecordedAt(RECEIVED.plusMillis(4))
                .setOccurredAt(OCCURRED).setOutcome(outcome).setReason("opt_out").setPolicyVersion("2026-11-01")
                .setSignal(signal)
                .setChanges(List.of(new PurposeChange("advertising", ConsentStatus.UNKNOWN, ConsentStatus.DENIED,
                        ConsentModel.OPT_OUT, true, false, "opt_out")))
                .build();
    }

    private static PendingCommand entry(String vendorId, AckStatus status, Instant appliedAt) {
        return PendingCommand.newBuilder().setSignalId(SIGNAL).setCommandId(UUID.randomUUID())
                .setSubjectId("user-1").setVendorId(vendorId).setAction(CommandAction.SUPPRESS)
                .setSignalReceivedAt(RECEIVED).setIssuedAt(RECEIVED.plusMillis(5))
                .setDeadline(RECEIVED.plusSeconds(3600)).setStatus(status).setAttempts(status == null ? 0 : 1)
                .setAppliedAt(appliedAt).setBreached(false).setUpdatedAt(RECEIVED.plusSeconds(3)).build();
    }
}
