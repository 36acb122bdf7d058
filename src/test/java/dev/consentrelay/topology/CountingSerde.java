package dev.consentrelay.topology;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** A serde that counts the values it serializes: each is one write to the store that uses it. */
final class CountingSerde {

    private CountingSerde() {
    }

    /** {@code serde}, its serializations added to {@code writes}. */
    static <V> Serde<V> counting(Serde<V> serde, AtomicInteger writes) {
        Serializer<V> serializer = serde.serializer();
        return Serdes.serdeFrom((topic, value) -> {
            writes.incrementAndGet();
            return serializer.serialize(topic, value);
        }, serde.deserializer());
    }
}
