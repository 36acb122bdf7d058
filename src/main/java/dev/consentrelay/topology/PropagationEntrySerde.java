package dev.consentrelay.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * The serde of the propagation entries ({@link StoreNames#SIGNAL_PROPAGATION}): stores each entry's subject and signal
 * ids once. Every command of an entry names the same subject and signal as the entry itself; the serializer writes
 * them as null there, and the deserializer fills them in again, so whoever reads an entry (the ledger, its rebuild,
 * the status queries) sees it whole. About 50 bytes a command, a quarter of an entry of the benchmark's mix, which the
 * store, its changelog and every restore would otherwise carry. An entry written whole by an earlier release reads as
 * stored.
 */
public final class PropagationEntrySerde implements Serde<SignalPropagation> {

    private final Serializer<SignalPropagation> serializer;
    private final Deserializer<SignalPropagation> deserializer;

    private PropagationEntrySerde(AvroSerde<SignalPropagation> avro) {
        Serializer<SignalPropagation> write = avro.serializer();
        Deserializer<SignalPropagation> read = avro.deserializer();
        this.serializer = (topic, entry) -> write.serialize(topic, entry == null ? null : stored(entry));
        this.deserializer = (topic, bytes) -> {
            SignalPropagation entry = read.deserialize(topic, bytes);
            return entry == null ? null : whole(entry);
        };
    }

    /** The serde of the entries, in the registry's wire format. */
    public static PropagationEntrySerde of(SchemaRegistryClient registry) {
        return new PropagationEntrySerde(AvroSerde.forClass(SignalPropagation.class, registry, false));
    }

    @Override
    public Serializer<SignalPropagation> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<SignalPropagation> deserializer() {
        return deserializer;
    }

    /** The entry as stored: a copy whose commands leave out the ids the entry holds. */
    static SignalPropagation stored(SignalPropagation entry) {
        String subjectId = entry.getSubjectId();
        String signalId = entry.getSignalId();
        List<PendingCommand> commands = new ArrayList<>(entry.getCommands().size());
        for (PendingCommand command : entry.getCommands()) {
            PendingCommand slim = copy(command, PendingCommand.getClassSchema(), new PendingCommand());
            if (subjectId.equals(slim.getSubjectId())) {
                slim.setSubjectId(null);
            }
            if (slim.getSignalId() != null && signalId.equals(slim.getSignalId().toString())) {
                slim.setSignalId(null);
            }
            commands.add(slim);
        }
        return new SignalPropagation(subjectId, signalId, entry.getDecision(), commands, entry.getUpdatedAt());
    }

    /**
     * The entry as read: the ids left out on writing filled in from the entry's own. The commands come as a plain
     * list: Avro's own array compares its elements without the record's logical types, and cannot compare a UUID in a
     * union.
     */
    static SignalPropagation whole(SignalPropagation entry) {
        entry.setCommands(new ArrayList<>(entry.getCommands()));
        String subjectId = entry.getSubjectId();
        UUID signalId = null;
        for (PendingCommand command : entry.getCommands()) {
            if (command.getSubjectId() == null) {
                command.setSubjectId(subjectId);
            }
            if (command.getSignalId() == null) {
                signalId = signalId != null ? signalId : UUID.fromString(entry.getSignalId());
                command.setSignalId(signalId);
            }
        }
        return entry;
    }

    /** A shallow copy of a specific record: the fields are shared, the record is new. */
    private static <T extends SpecificRecordBase> T copy(T from, Schema schema, T to) {
        for (Schema.Field field : schema.getFields()) {
            to.put(field.pos(), from.get(field.pos()));
        }
        return to;
    }
}
