package dev.consentrelay.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent Schema Registry wire format into one Avro specific record class. The writer schema is
 * fetched by the id in each record (once per id) and resolved against the class's schema, so records written by an
 * older or newer compatible producer decode into the current class. Thread-safe: one instance may serve every stream
 * thread.
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        AvroLimits.apply();
    }

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private final SchemaRegistryClient registry;
    private final boolean isKey;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    public AvroDeserializer(Class<T> type, SchemaRegistryClient registry, boolean isKey) {
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.registry = registry;
        this.isKey = isKey;
    }

    /** The schema records are decoded into. */
    public Schema readerSchema() {
        return readerSchema;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            throw new SerializationException("Record " + part() + " of " + data.length + " bytes on topic " + topic
                    + " is too short for Confluent Schema Registry wire format (magic byte and 4-byte schema id)");
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "Unknown magic byte 0x%02x on topic %s: the record is not in Confluent Schema Registry wire format",
                    data[0] & 0xff, topic));
        }
        int id = WireFormat.schemaId(data);
        SpecificDatumReader<T> reader = reader(topic, id);
        BinaryDecoder reuse = decoders.get();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, reuse);
        if (decoder != reuse) {
            decoders.set(decoder);
        }
        try {
            return reader.read(null, decoder);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
            throw new SerializationException(
                    "Could not decode " + part() + " on topic " + topic + " written with schema id "
                            + id + " (" + reader.getSchema().getFullName() + ") into " + type.getName()
                            + ": the payload is truncated or corrupt (" + e + ")",
                    e);
        }
    }

    private SpecificDatumReader<T> reader(String topic, int id) {
        SpecificDatumReader<T> reader = readersByWriterId.get(id);
        if (reader != null) {
            return reader;
        }
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot decode " + part() + " on topic " + topic + ": schema id " + id
                    + " could not be fetched: " + e.getMessage(), e);
        }
        reader = new SpecificDatumReader<>(writer, readerSchema, model);
        SpecificDatumReader<T> raced = readersByWriterId.putIfAbsent(id, reader);
        return raced == null ? reader : raced;
    }

    private String part() {
        return isKey ? "key" : "value";
    }
}
