package dev.consentrelay.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.serde.AvroDeserializer;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.serde.WireFormat;

/**
 * Reads only the signal id of a propagation command, which is all the latency watcher needs. Decoding every command
 * whole (thirteen fields, its purposes and identifiers) cost the benchmark's JVM CPU and garbage during the very open
 * loop it measures, and that JVM hosts the broker. A command's first two fields are its command id and its signal id,
 * so the reader skips one string and reads the next; a writer schema that does not start with those two strings is
 * decoded whole instead. For one consumer thread: it reuses one decoder.
 */
final class SignalIdReader implements Deserializer<String> {

    private final SchemaRegistryClient registry;
    private final AvroDeserializer<PropagationCommand> whole;
    private final Map<Integer, Boolean> leadsWithIdsBySchemaId = new ConcurrentHashMap<>();
    private BinaryDecoder decoder;

    SignalIdReader(SchemaRegistryClient registry) {
        this.registry = registry;
        this.whole = new AvroDeserializer<>(PropagationCommand.class, registry, false);
    }

    @Override
    public String deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < WireFormat.HEADER_SIZE || data[0] != WireFormat.MAGIC_BYTE
                || !leadsWithIds(WireFormat.schemaId(data))) {
            return String.valueOf(whole.deserialize(topic, data).getSignalId());
        }
        decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, decoder);
        try {
            decoder.skipString();
            return decoder.readString();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Could not read the signal id of a command on topic " + topic, e);
        }
    }

    private boolean leadsWithIds(int schemaId) {
        return leadsWithIdsBySchemaId.computeIfAbsent(schemaId, id -> leadsWithIds(registry.schemaById(id)));
    }

    /** Whether records written with {@code writer} start with the command id and the signal id, both strings. */
    static boolean leadsWithIds(Schema writer) {
        if (writer.getType() != Schema.Type.RECORD || writer.getFields().size() < 2) {
            return false;
        }
        List<Schema.Field> fields = writer.getFields();
        return "commandId".equals(fields.get(0).name()) && fields.get(0).schema().getType() == Schema.Type.STRING
                && "signalId".equals(fields.get(1).name()) && fields.get(1).schema().getType() == Schema.Type.STRING;
    }
}
