package dev.consentrelay.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro specific records in the Confluent Schema Registry wire format, with the subject named by the topic-name
 * strategy. The record's schema is registered on first use per topic (or, without auto-registration, its id is looked
 * up) and the id cached. Thread-safe: one instance may serve every stream thread.
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    /** Buffers that grew beyond this are dropped after use rather than kept per thread. */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;
    /** Reserves the header; it is filled in on the finished array. */
    private static final byte[] HEADER_PLACEHOLDER = new byte[WireFormat.HEADER_SIZE];

    private final SchemaRegistryClient registry;
    private final boolean isKey;
    private final boolean autoRegister;
    private final Map<String, TopicSchema> idsByTopic = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
    private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);

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
        Buffer buffer = buffers.get();
        try {
            buffer.out.reset();
            buffer.out.write(HEADER_PLACEHOLDER, 0, WireFormat.HEADER_SIZE);
            buffer.encoder = EncoderFactory.get().directBinaryEncoder(buffer.out, buffer.encoder);
            writer(schema).write(record, buffer.encoder);
            buffer.encoder.flush();
            byte[] bytes = buffer.out.toByteArray();
            WireFormat.writeHeader(bytes, id);
            return bytes;
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new SerializationException("Could not serialize a " + schema.getFullName() + " for topic " + topic
                    + " with schema id " + id + ": " + e.getMessage(), e);
        } finally {
            if (buffer.out.size() > MAX_RETAINED_BUFFER) {
                buffers.remove();
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

    private SpecificDatumWriter<T> writer(Schema schema) {
        // The generated class's model carries its logical-type conversions (uuid, timestamp-millis).
        return writers.computeIfAbsent(schema,
                s -> new SpecificDatumWriter<>(s, SpecificData.getForSchema(s)));
    }

    private record TopicSchema(Schema schema, int id) {
    }

    private static final class Buffer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        private BinaryEncoder encoder;
    }
}
