package dev.consentrelay.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a store's current record type, and also the record type an earlier release wrote to the same store, upgraded
 * on read: a store whose value type changed keeps the data it already holds (on disk and in its changelog), and every
 * write rewrites a value in the current type. Which type a value has is told by the full name of its writer schema.
 */
public final class UpgradingDeserializer<T extends SpecificRecord, E extends SpecificRecord>
        implements
            Deserializer<T> {

    private final AvroDeserializer<T> current;
    private final AvroDeserializer<E> earlier;
    private final Function<E, T> upgrade;
    private final SchemaRegistryClient registry;
    private final Map<Integer, Boolean> earlierIds = new ConcurrentHashMap<>();

    public UpgradingDeserializer(Class<T> type, Class<E> earlierType, Function<E, T> upgrade,
            SchemaRegistryClient registry) {
        this.current = new AvroDeserializer<>(type, registry, false);
        this.earlier = new AvroDeserializer<>(earlierType, registry, false);
        this.upgrade = upgrade;
        this.registry = registry;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (WireFormat.isFramed(data) && isEarlier(WireFormat.schemaId(data))) {
            return upgrade.apply(earlier.deserialize(topic, data));
        }
        return current.deserialize(topic, data);
    }

    private boolean isEarlier(int id) {
        Boolean known = earlierIds.get(id);
        if (known != null) {
            return known;
        }
        boolean isEarlier;
        try {
            isEarlier = registry.schemaById(id).getFullName().equals(earlier.readerSchema().getFullName());
        } catch (RuntimeException e) {
            // Not remembered: the current type's reader reports the failure, and the next read asks again.
            return false;
        }
        earlierIds.put(id, isEarlier);
        return isEarlier;
    }
}
