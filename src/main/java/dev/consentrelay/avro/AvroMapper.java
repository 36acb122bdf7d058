package dev.consentrelay.avro;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.PurposeChoice;
import dev.consentrelay.domain.PurposeStatus;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.ConsentStatus;
import dev.consentrelay.schema.GpcState;
import dev.consentrelay.schema.Identifier;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PurposeConsent;
import dev.consentrelay.schema.SignalKind;
import dev.consentrelay.schema.SignalSource;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.schema.VendorKind;
import dev.consentrelay.schema.VendorRecord;

/**
 * Maps the generated Avro records (the wire contract) to the domain records the policy engine works on, and back.
 * Enum symbols a reader does not know arrive as {@code UNKNOWN} and map to {@code null}, which validation rejects.
 */
public final class AvroMapper {

    static final SameName<SignalKind, Signal.Kind> SIGNAL_KIND = SameName.of(SignalKind.class, Signal.Kind.class);
    static final SameName<Signal.Kind, SignalKind> SIGNAL_KIND_OUT = SameName.of(Signal.Kind.class, SignalKind.class);
    static final SameName<SignalSource, Signal.Source> SOURCE = SameName.of(SignalSource.class, Signal.Source.class);
    static final SameName<Signal.Source, SignalSource> SOURCE_OUT = SameName.of(Signal.Source.class,
            SignalSource.class);
    static final SameName<ConsentStatus, PurposeStatus> STATUS = SameName.of(ConsentStatus.class,
            PurposeStatus.class);
    static final SameName<PurposeStatus, ConsentStatus> STATUS_OUT = SameName.of(PurposeStatus.class,
            ConsentStatus.class);
    static final SameName<CommandAction, Command.Action> ACTION = SameName.of(CommandAction.class,
            Command.Action.class);
    static final SameName<Command.Action, CommandAction> ACTION_OUT = SameName.of(Command.Action.class,
            CommandAction.class);
    static final SameName<VendorKind, Vendor.Kind> VENDOR_KIND = SameName.of(VendorKind.class, Vendor.Kind.class);
    static final SameName<Vendor.Kind, VendorKind> VENDOR_KIND_OUT = SameName.of(Vendor.Kind.class,
            VendorKind.class);

    private AvroMapper() {
    }

    // ---- signals ------------------------------------------------------------------------------------------

    public static Signal toDomain(ConsentSignal s) {
        return new Signal(text(s.getSignalId()), s.getSubjectId(), identifiersToDomain(s.getIdentifiers()),
                enumToDomain(s.getKind(), SIGNAL_KIND), new HashSet<>(s.getPurposes()), s.getRegion(),
                enumToDomain(s.getSource(), SOURCE), s.getMethod(), s.getPolicyVersion(),
                s.getOccurredAt(), s.getReceivedAt(), s.getErase(), s.getLinkedSubjectId());
    }

    public static ConsentSignal toAvro(Signal s) {
        return ConsentSignal.newBuilder()
                .setSignalId(uuid(s.signalId()))
                .setSubjectId(s.subjectId())
                .setIdentifiers(identifiersToAvro(s.identifiers()))
                .setKind(enumToAvro(s.kind(), SIGNAL_KIND_OUT))
                .setPurposes(new ArrayList<>(s.purposes()))
                .setRegion(s.region())
                .setSource(enumToAvro(s.source(), SOURCE_OUT))
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
        Map<String, PurposeChoice> purposes = new LinkedHashMap<>();
        s.getPurposes().forEach((purpose, p) -> purposes.put(purpose, new PurposeChoice(
                enumToDomain(p.getStatus(), STATUS), p.getSince(), text(p.getSignalId()),
                enumToDomain(p.getSource(), SOURCE), p.getMethod(), p.getPolicyVersion(),
                p.getExpiresAt())));
        GpcState gpc = s.getGpc();
        return new SubjectConsent(s.getSubjectId(), s.getRegion(), identifiersToDomain(s.getIdentifiers()), purposes,
                gpc == null ? null : new SubjectConsent.Gpc(gpc.getActive(), gpc.getFirstSeenAt(), gpc.getLastSeenAt()),
                s.getErasedAt(), s.getUpdatedAt(), text(s.getLastSignalId()));
    }

    public static SubjectConsentState toAvro(SubjectConsent s) {
        Map<String, PurposeConsent> purposes = new LinkedHashMap<>();
        s.purposes().forEach((purpose, p) -> purposes.put(purpose, PurposeConsent.newBuilder()
                .setStatus(enumToAvro(p.status(), STATUS_OUT))
                .setSince(p.since())
                .setSignalId(uuid(p.signalId()))
                .setSource(enumToAvro(p.source(), SOURCE_OUT))
                .setMethod(p.method())
                .setPolicyVersion(p.policyVersion())
                .setExpiresAt(p.expiresAt())
                .build()));
        SubjectConsent.Gpc gpc = s.gpc();
        return SubjectConsentState.newBuilder()
                .setSubjectId(s.subjectId())
                .setRegion(s.region())
                .setIdentifiers(identifiersToAvro(s.identifiers()))
                .setPurposes(purposes)
                .setGpc(gpc == null
                        ? null
                        : GpcState.newBuilder()
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
        List<Command.Action> actions = new ArrayList<>();
        for (CommandAction action : v.getActions()) {
            Command.Action mapped = enumToDomain(action, ACTION);
            if (mapped != null) {
                actions.add(mapped);
            }
        }
        return new Vendor(v.getVendorId(), v.getName(), enumToDomain(v.getKind(), VENDOR_KIND),
                v.getParentVendorId(), new HashSet<>(v.getPurposes()), new HashSet<>(v.getRegions()),
                new HashSet<>(actions), new HashSet<>(v.getIdentifierTypes()), Duration.ofMillis(v.getSlaMillis()),
                v.getEnabled());
    }

    public static VendorRecord toAvro(Vendor v) {
        List<CommandAction> actions = new ArrayList<>();
        v.actions().forEach(a -> actions.add(enumToAvro(a, ACTION_OUT)));
        return VendorRecord.newBuilder()
                .setVendorId(v.vendorId())
                .setName(v.name() == null ? v.vendorId() : v.name())
                .setKind(enumToAvro(v.kind(), VENDOR_KIND_OUT))
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
                .setAction(enumToAvro(c.action(), ACTION_OUT))
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
                enumToDomain(c.getAction(), ACTION), new HashSet<>(c.getPurposes()),
                identifiersToDomain(c.getIdentifiers()), c.getReason(), c.getRegion(), c.getPolicyVersion(),
                c.getSignalReceivedAt(), c.getIssuedAt(), c.getDeadline());
    }

    // ---- audit --------------------------------------------------------------------------------------------

    // ---- helpers ------------------------------------------------------------------------------------------

    static UUID uuid(String value) {
        return value == null ? null : UUID.fromString(value);
    }

    static String text(UUID value) {
        return value == null ? null : value.toString();
    }

    static List<SubjectIdentifier> identifiersToDomain(List<Identifier> ids) {
        List<SubjectIdentifier> out = new ArrayList<>(ids.size());
        ids.forEach(i -> out.add(new SubjectIdentifier(i.getType(), i.getValue())));
        return out;
    }

    static List<Identifier> identifiersToAvro(List<SubjectIdentifier> ids) {
        List<Identifier> out = new ArrayList<>(ids.size());
        ids.forEach(i -> out.add(new Identifier(i.type(), i.value())));
        return out;
    }

    /** The domain constant of a schema symbol; {@code null} for none, {@code UNKNOWN} or a symbol it lacks. */
    static <A extends Enum<A>, D extends Enum<D>> D enumToDomain(A value, SameName<A, D> table) {
        if (value == null || "UNKNOWN".equals(value.name())) {
            return null;
        }
        return table.get(value);
    }

    /** The schema symbol of a domain constant; {@code UNKNOWN} for none. */
    static <D extends Enum<D>, A extends Enum<A>> A enumToAvro(D value, SameName<D, A> table) {
        if (value == null) {
            return table.unknown();
        }
        A mapped = table.get(value);
        if (mapped == null) {
            throw new IllegalArgumentException("No enum constant " + table.target().getCanonicalName() + "."
                    + value.name());
        }
        return mapped;
    }

    /**
     * One enum's constants as another's of the same name, by ordinal ({@code null} where the target has no constant of
     * that name): mapping a field is an array read, where a lookup by name cost a hash lookup per field of every
     * record converted.
     */
    static final class SameName<F extends Enum<F>, T extends Enum<T>> {

        private final Class<T> target;
        private final List<T> byOrdinal;
        private final T unknown;

        private SameName(Class<F> source, Class<T> target) {
            this.target = target;
            Map<String, T> byName = new HashMap<>();
            for (T constant : target.getEnumConstants()) {
                byName.put(constant.name(), constant);
            }
            List<T> table = new ArrayList<>();
            for (F constant : source.getEnumConstants()) {
                table.add(byName.get(constant.name()));
            }
            this.byOrdinal = table;
            this.unknown = byName.get("UNKNOWN");
        }

        static <F extends Enum<F>, T extends Enum<T>> SameName<F, T> of(Class<F> source, Class<T> target) {
            return new SameName<>(source, target);
        }

        T get(F value) {
            return byOrdinal.get(value.ordinal());
        }

        Class<T> target() {
            return target;
        }

        /** The target's {@code UNKNOWN} constant. */
        T unknown() {
            if (unknown == null) {
                throw new IllegalArgumentException("No enum constant " + target.getCanonicalName() + ".UNKNOWN");
            }
            return unknown;
        }
    }
}
