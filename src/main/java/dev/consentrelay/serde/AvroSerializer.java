package dev.consentrelay.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro specific records in the Confluent Schema Registry wire format, with the subject named by the topic-name
 * strategy. The record's schema is registered on first use per topic (or, without auto-registration, its id is looked
 * up) and the id cached. Thread-safe: one instance may serve every stream thread.
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    /** Encoders whose array grew beyond this are dropped after use rather than kept per thread. */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;

    private final SchemaRegistryClient registry;
    private final boolean isKey;
    private final boolean autoRegister;
    private final Map<String, TopicSchema> idsByTopic = new ConcurrentHashMap<>();
    private final Map<Schema, CompiledDatumWriter> writers = new ConcurrentHashMap<>();
    private final ThreadLocal<ArrayBinaryEncoder> encoders = ThreadLocal.withInitial(() -> new ArrayBinaryEncoder(256));

    public AvroSerializer(SchemaRegistryClient registry, boolean isKey, boolean autoRegister) {
        this.registry = registry;
        this.isKey = isKey;
        this.autoRegister = autoRegister;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        int id = schemaId(topic, schema);
        ArrayBinaryEncoder encoder = encoders.get();
        try {
            encoder.reset(WireFormat.HEADER_SIZE);
            writer(schema).write(record, encoder);
            byte[] bytes = encoder.toByteArray();
            WireFormat.writeHeader(bytes, id);
            return bytes;
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new SerializationException("Could not serialize a " + schema.getFullName() + " for topic " + topic
                    + " with schema id " + id + ": " + e.getMessage(), e);
        } finally {
            if (encoder.capacity() > MAX_RETAINED_BUFFER) {
                encoders.remove();
            }
        }
    }

    private int schemaId(String topic, Schema schema) {
        TopicSchema cached = idsByTopic.get(topic);
        if (cached != null && cached.schema == schema) {
            return cached.id;
        }
        String subject = WireFormat.subject(topic, isKey);
        int id;
        try {
            id = autoRegister ? registry.register(subject, schema) : registry.idFor(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Could not " + (autoRegister ? "register" : "look up") + " the schema "
                    + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        idsByTopic.put(topic, new TopicSchema(schema, id));
        return id;
    }

    private CompiledDatumWriter writer(Schema schema) {
        // The generated class's model carries its logical-type conversions (uuid, timestamp-millis).
        return writers.computeIfAbsent(schema, s -> CompiledDatumWriter.of(s, SpecificData.getForSchema(s)));
    }

    private record TopicSchema(Schema schema, int id) {
    }
}
