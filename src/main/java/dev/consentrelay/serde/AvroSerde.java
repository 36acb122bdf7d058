package dev.consentrelay.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for one Avro specific record class in the Confluent Schema Registry wire format. Closing it does not close the
 * registry client, which is usually shared.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    public AvroSerde(Class<T> type, SchemaRegistryClient registry, boolean isKey, boolean autoRegister) {
        this.serializer = new AvroSerializer<>(registry, isKey, autoRegister);
        this.deserializer = new AvroDeserializer<>(type, registry, isKey);
    }

    /** A serde that registers the class's schema on first use per topic. */
    public static <T extends SpecificRecord> AvroSerde<T> forClass(Class<T> type, SchemaRegistryClient registry,
            boolean isKey) {
        return new AvroSerde<>(type, registry, isKey, true);
    }

    /**
     * A serde that registers the class's schema on first use, or only looks up its id when auto-registration is off.
     */
    public static <T extends SpecificRecord> AvroSerde<T> forClass(Class<T> type, SchemaRegistryClient registry,
            boolean isKey, boolean autoRegister) {
        return new AvroSerde<>(type, registry, isKey, autoRegister);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
