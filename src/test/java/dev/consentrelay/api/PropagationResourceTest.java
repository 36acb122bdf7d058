package dev.consentrelay.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.SignalPropagation;

import static org.assertj.core.api.Assertions.assertThat;

/** The body of the propagation status: each vendor's answer, latency and breach. */
class PropagationResourceTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-20T09:00:00Z");
    private static final UUID SIGNAL = UUID.fromString("7b0f6a38-3c1e-4a52-9d3f-2f4b9a0c1d11");

    @Test
    void shouldAnswerStatusOfEachVendorWhenFound() {
        PendingCommand applied = entry("adnet", AckStatus.APPLIED, RECEIVED.plusMillis(1_500));
        PendingCommand pending = entry("mailer", null, null);
        pending.setBreached(true);

        PropagationStatus body = PropagationResource.status(SignalPropagation.newBuilder().setSubjectId("user-1")
                .setSignalId(SIGNAL.toString()).setCommands(List.of(applied, pending)).setUpdatedAt(RECEIVED)
                .build());

        assertThat(body.complete()).isFalse();
        assertThat(body.vendors()).containsExactly(
                new PropagationStatus.VendorStatus("adnet", applied.getCommandId().toString(), "SUPPRESS",
                        "APPLIED", 2, 1_500L, RECEIVED.plusSeconds(600), false),
                new PropagationStatus.VendorStatus("mailer", pending.getCommandId().toString(), "SUPPRESS",
                        "PENDING", 0, null, RECEIVED.plusSeconds(600), true));
    }

    @Test
    void shouldCallSignalCompleteWhenEveryVendorAnswered() {
        PropagationStatus status = PropagationStatuses.of(SIGNAL.toString(), List.of(
                entry("adnet", AckStatus.APPLIED, RECEIVED.plusSeconds(1)),
                entry("mailer", AckStatus.FAILED, RECEIVED.plusSeconds(2))));

        assertThat(status.complete()).isTrue();
    }

    private static PendingCommand entry(String vendorId, AckStatus status, Instant appliedAt) {
        return PendingCommand.newBuilder()
                .setSignalId(SIGNAL)
                .setCommandId(UUID.randomUUID())
                .setSubjectId("user-1")
                .setVendorId(vendorId)
                .setAction(CommandAction.SUPPRESS)
                .setSignalReceivedAt(RECEIVED)
                .setIssuedAt(RECEIVED.plusMillis(10))
                .setDeadline(RECEIVED.plusSeconds(600))
                .setStatus(status)
                .setAttempts(status == null ? 0 : 2)
                .setAppliedAt(appliedAt)
                .setUpdatedAt(RECEIVED)
                .build();
    }
}
