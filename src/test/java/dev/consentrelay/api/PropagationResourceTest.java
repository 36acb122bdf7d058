package dev.consentrelay.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.PendingCommand;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST contract of the propagation status, over a stubbed query: status codes, headers and the body. */
class PropagationResourceTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-20T09:00:00Z");
    private static final UUID SIGNAL = UUID.fromString("7b0f6a38-3c1e-4a52-9d3f-2f4b9a0c1d11");

    @Test
    void shouldAnswerStatusOfEachVendorWhenFound() {
        PendingCommand applied = entry("adnet", AckStatus.APPLIED, RECEIVED.plusMillis(1_500));
        PendingCommand pending = entry("mailer", null, null);
        pending.setBreached(true);
        PropagationStatus status = PropagationStatuses.of(SIGNAL.toString(), List.of(applied, pending));

        Response response = resource(new PropagationLookup.Found(status)).get(SIGNAL.toString());

        assertThat(response.getStatus()).isEqualTo(200);
        PropagationStatus body = (PropagationStatus) response.getEntity();
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

    @Test
    void shouldAnswer404ForUnknownSignal() {
        Response response = resource(new PropagationLookup.NotFound()).get(SIGNAL.toString());

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(error(response)).contains("No command is tracked for signal " + SIGNAL);
    }

    @Test
    void shouldAnswer400ForMalformedUuidWithoutQuerying() {
        PropagationResource resource = new PropagationResource(id -> {
            throw new AssertionError("must not query");
        });

        assertThat(resource.get("not-a-uuid").getStatus()).isEqualTo(400);
        assertThat(resource.get("1-1-1-1-1").getStatus()).isEqualTo(400);
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileStoreIsNotQueryable() {
        Response response = resource(new PropagationLookup.Unavailable("REBALANCING")).get(SIGNAL.toString());

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("2");
        assertThat(error(response)).contains("REBALANCING");
    }

    @Test
    void shouldAnswer503NamingTheOwnerWhenAnotherInstanceHoldsTheSignal() {
        Response response = resource(new PropagationLookup.NotLocal("10.0.0.7:8080")).get(SIGNAL.toString());

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(error(response)).contains("another instance (10.0.0.7:8080)");
    }

    private static PropagationResource resource(PropagationLookup answer) {
        return new PropagationResource(id -> {
            assertThat(id).isEqualTo(SIGNAL);
            return answer;
        });
    }

    @SuppressWarnings("unchecked")
    private static String error(Response response) {
        return ((Map<String, String>) response.getEntity()).get("error");
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
