package dev.consentrelay.connector;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.Identifier;
import dev.consentrelay.schema.PropagationCommand;

/** Propagation commands for connector tests. */
final class TestCommands {

    static final Instant RECEIVED = Instant.parse("2026-11-02T10:15:30Z");

    private TestCommands() {
    }

    static PropagationCommand suppress(String vendorId, String subjectId) {
        return PropagationCommand.newBuilder().setCommandId(UUID.randomUUID()).setSignalId(UUID.randomUUID())
                .setSubjectId(subjectId).setVendorId(vendorId).setAction(CommandAction.SUPPRESS)
                .setPurposes(List.of("email_marketing", "advertising"))
                .setIdentifiers(List.of(new Identifier("email_sha256", "ab12cd"), new Identifier("crm_id", "C-9")))
                .setReason("opt_out").setRegion("US-CA").setPolicyVersion("2026-11-01")
                .setSignalReceivedAt(RECEIVED).setIssuedAt(RECEIVED.plusMillis(40))
                .setDeadline(RECEIVED.plusSeconds(3600)).build();
    }
}
