package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.ConsentSignal;

/** Signals and vendors for the processor tests, so each test states only what matters to it. */
final class TestSignals {

    static final Instant NOW = Instant.parse("2026-11-20T09:00:00Z");
    static final SubjectIdentifier EMAIL = new SubjectIdentifier("email_sha256",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    static final SubjectIdentifier DEVICE = new SubjectIdentifier("device_id", "device-7");

    private TestSignals() {
    }

    /** An Avro signal from the preference centre, expressed with a toggle, received by no one yet. */
    static ConsentSignal signal(Signal.Kind kind, String subject, String region,
            Instant occurredAt, String... purposes) {
        return AvroMapper.toAvro(new Signal(UUID.randomUUID().toString(), subject, List.of(EMAIL, DEVICE),
                kind, Set.of(purposes), region, Signal.Source.PREFERENCE_CENTER, "toggle", "2026-11-01", occurredAt,
                null, false));
    }

    /** An enabled vendor serving every region, with a ten-minute SLA. */
    static Vendor vendor(String id, Set<String> purposes, Set<Command.Action> actions) {
        return new Vendor(id, id + " Inc.", Vendor.Kind.VENDOR, null, purposes, Set.of(), actions, Set.of(),
                Duration.ofMinutes(10), true);
    }

    static Vendor vendor(String id, String... purposes) {
        return vendor(id, Set.of(purposes), EnumSet.of(Command.Action.SUPPRESS, Command.Action.DELETE));
    }
}
