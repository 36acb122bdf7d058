package dev.consentrelay.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Builders for signals and vendors with sensible defaults, so each test states only what matters to it. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    static final String SUBJECT = "subject-1";
    static final SubjectIdentifier EMAIL = new SubjectIdentifier("email_sha256",
            "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514");
    static final SubjectIdentifier DEVICE = new SubjectIdentifier("device_id", "d-42");

    private static final AtomicLong IDS = new AtomicLong();

    private Fixtures() {
    }

    static String uuid() {
        return new UUID(0x5151L, IDS.incrementAndGet()).toString();
    }

    static SignalBuilder signal(Signal.Kind kind) {
        return new SignalBuilder(kind);
    }

    static VendorBuilder vendor(String vendorId) {
        return new VendorBuilder(vendorId);
    }

    static final class SignalBuilder {
        private String signalId = uuid();
        private String subjectId = SUBJECT;
        private List<SubjectIdentifier> identifiers = List.of(EMAIL, DEVICE);
        private final Signal.Kind kind;
        private Set<String> purposes = Set.of();
        private String region = "US-CA";
        private Signal.Source source = Signal.Source.WEB_BANNER;
        private String method;
        private String policyVersion = "2026-11-01";
        private Instant occurredAt = T0;
        private Instant receivedAt;
        private boolean erase;
        private String linkedSubjectId;

        private SignalBuilder(Signal.Kind kind) {
            this.kind = kind;
            this.method = kind == Signal.Kind.GPC ? "header:Sec-GPC" : "toggle";
        }

        SignalBuilder id(String signalId) {
            this.signalId = signalId;
            return this;
        }

        SignalBuilder subject(String subjectId) {
            this.subjectId = subjectId;
            return this;
        }

        SignalBuilder identifiers(SubjectIdentifier... identifiers) {
            this.identifiers = List.of(identifiers);
            return this;
        }

        SignalBuilder purposes(String... purposes) {
            this.purposes = Set.of(purposes);
            return this;
        }

        SignalBuilder region(String region) {
            this.region = region;
            return this;
        }

        SignalBuilder source(Signal.Source source) {
            this.source = source;
            return this;
        }

        SignalBuilder method(String method) {
            this.method = method;
            return this;
        }

        SignalBuilder at(Instant occurredAt) {
            this.occurredAt = occurredAt;
            return this;
        }

        SignalBuilder receivedAt(Instant receivedAt) {
            this.receivedAt = receivedAt;
            return this;
        }

        SignalBuilder erase() {
            this.erase = true;
            return this;
        }

        SignalBuilder linked(String linkedSubjectId) {
            this.linkedSubjectId = linkedSubjectId;
            return this;
        }

        Signal build() {
            return new Signal(signalId, subjectId, identifiers, kind, purposes, region, source, method,
                    policyVersion, occurredAt, receivedAt, erase, linkedSubjectId);
        }
    }

    static final class VendorBuilder {
        private final String vendorId;
        private Vendor.Kind kind = Vendor.Kind.VENDOR;
        private String parentVendorId;
        private Set<String> purposes = Set.of();
        private Set<String> regions = Set.of();
        private Set<Command.Action> actions = EnumSet.of(Command.Action.SUPPRESS, Command.Action.DELETE);
        private Set<String> identifierTypes = Set.of();
        private Duration sla = Duration.ofHours(1);
        private boolean enabled = true;

        private VendorBuilder(String vendorId) {
            this.vendorId = vendorId;
        }

        VendorBuilder purposes(String... purposes) {
            this.purposes = Set.of(purposes);
            return this;
        }

        VendorBuilder regions(String... regions) {
            this.regions = Set.of(regions);
            return this;
        }

        VendorBuilder actions(Command.Action... actions) {
            this.actions = actions.length == 0 ? Set.of() : EnumSet.copyOf(Arrays.asList(actions));
            return this;
        }

        VendorBuilder identifierTypes(String... types) {
            this.identifierTypes = Set.of(types);
            return this;
        }

        VendorBuilder sla(Duration sla) {
            this.sla = sla;
            return this;
        }

        VendorBuilder disabled() {
            this.enabled = false;
            return this;
        }

        VendorBuilder subProcessorOf(String parentVendorId) {
            this.kind = Vendor.Kind.SUB_PROCESSOR;
            this.parentVendorId = parentVendorId;
            return this;
        }

        Vendor build() {
            return new Vendor(vendorId, vendorId + " Inc.", kind, parentVendorId, purposes, regions, actions,
                    identifierTypes, sla, enabled);
        }
    }
}
