package dev.consentrelay.avro;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * Per source enum class, per target enum class: the target constant of each source ordinal ({@code null} where the
     * target has no constant of that name). Mapping by name cost a hash lookup per field of every record converted.
     */
    private static final ClassValue<Map<Class<?>, Enum<?>[]>> SAME_NAME = new ClassValue<>() {
        @Override
        protected Map<Class<?>, Enum<?>[]> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private AvroMapper() {
    }

    // ---- signals ------------------------------------------------------------------------------------------

    public static Signal toDomain(ConsentSignal s) {
        return new Signal(text(s.getSignalId()), s.getSubjectId(), identifiersToDomain(s.getIdentifiers()),
                enumToDomain(s.getKind(), Signal.Kind.class), new HashSet<>(s.getPurposes()), s.getRegion(),
                enumToDomain(s.getSource(), Signal.Source.class), s.getMethod(), s.getPolicyVersion(),
                s.getOccurredAt(), s.getReceivedAt(), s.getErase(), s.getLinkedSubjectId());
    }

    public static ConsentSignal toAvro(Signal s) {
        return ConsentSignal.newBuilder()
                .setSignalId(uuid(s.signalId()))
                .setSubjectId(s.subjectId())
                .setIdentifiers(identifiersToAvro(s.identifiers()))
                .setKind(enumToAvro(s.kind(), SignalKind.class))
                .setPurposes(new ArrayList<>(s.purposes()))
                .setRegion(s.region())
                .setSource(enumToAvro(s.source(), SignalSource.class))
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
                enumToDomain(p.getStatus(), PurposeStatus.class), p.getSince(), text(p.getSignalId()),
                enumToDomain(p.getSource(), Signal.Source.class), p.getMethod(), p.getPolicyVersion(),
                p.getExpiresAt())));
        GpcState gpc = s.getGpc();
        return new SubjectConsent(s.getSubjectId(), s.getRegion(), identifiersToDomain(s.getIdentifiers()), purposes,
                gpc == null ? null : new SubjectConsent.Gpc(gpc.getActive(), gpc.getFirstSeenAt(), gpc.getLastSeenAt()),
                s.getErasedAt(), s.getUpdatedAt(), text(s.getLastSignalId()));
    }

    public static SubjectConsentState toAvro(SubjectConsent s) {
        Map<String, PurposeConsent> purposes = new LinkedHashMap<>();
        s.purposes().forEach((purpose, p) -> purposes.put(purpose, PurposeConsent.newBuilder()
                .setStatus(enumToAvro(p.status(), ConsentStatus.class))
                .setSince(p.since())
                .setSignalId(uuid(p.signalId()))
                .setSource(enumToAvro(p.source(), SignalSource.class))
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
            Command.Action mapped = enumToDomain(action, Command.Action.class);
            if (mapped != null) {
                actions.add(mapped);
            }
        }
        return new Vendor(v.getVendorId(), v.getName(), enumToDomain(v.getKind(), Vendor.Kind.class),
                v.getParentVendorId(), new HashSet<>(v.getPurposes()), new HashSet<>(v.getRegions()),
                new HashSet<>(actions), new HashSet<>(v.getIdentifierTypes()), Duration.ofMillis(v.getSlaMillis()),
                v.getEnabled());
    }

    public static VendorRecord toAvro(Vendor v) {
        List<CommandAction> actions = new ArrayList<>();
        v.actions().forEach(a -> actions.add(enumToAvro(a, CommandAction.class)));
        return VendorRecord.newBuilder()
                .setVendorId(v.vendorId())
                .setName(v.name() == null ? v.vendorId() : v.name())
                .setKind(enumToAvro(v.kind(), VendorKind.class))
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
                .setAction(enumToAvro(c.action(), CommandAction.class))
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
                enumToDomain(c.getAction(), Command.Action.class), new HashSet<>(c.getPurposes()),
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

    static <A extends Enum<A>, D extends Enum<D>> D enumToDomain(A value, Class<D> type) {
        if (value == null || "UNKNOWN".equals(value.name())) {
            return null;
        }
        return sameName(value, type);
    }

    static <D extends Enum<D>, A extends Enum<A>> A enumToAvro(D value, Class<A> type) {
        if (value == null) {
            return Enum.valueOf(type, "UNKNOWN");
        }
        A mapped = sameName(value, type);
        if (mapped == null) {
            throw new IllegalArgumentException("No enum constant " + type.getCanonicalName() + "." + value.name());
        }
        return mapped;
    }

    /** The constant of {@code type} named like {@code value}, or {@code null}: by ordinal, from a table per pair. */
    private static <T extends Enum<T>> T sameName(Enum<?> value, Class<T> type) {
        Class<?> from = value.getDeclaringClass();
        Enum<?>[] table = SAME_NAME.get(from).computeIfAbsent(type, t -> sameNameTable(from, type));
        return type.cast(table[value.ordinal()]);
    }

    private static <T extends Enum<T>> Enum<?>[] sameNameTable(Class<?> from, Class<T> type) {
        Object[] constants = from.getEnumConstants();
        Enum<?>[] table = new Enum<?>[constants.length];
        for (T target : type.getEnumConstants()) {
            for (int i = 0; i < constants.length; i++) {
                if (((Enum<?>) constants[i]).name().equals(target.name())) {
                    table[i] = target;
                }
            }
        }
        return table;
    }
}
