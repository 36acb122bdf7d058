package dev.consentrelay.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A topic with the serdes of its keys and values, so that a topic's name and how its records are written travel
 * together instead of as separate parameters.
 *
 * @param name the topic's name
 * @param keySerde its keys' serde
 * @param valueSerde its values' serde
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    /** How a named source of the topology reads this topic. */
    public Consumed<K, V> consumed(String sourceName) {
        return Consumed.with(keySerde, valueSerde).withName(sourceName);
    }

    /** How a named sink of the topology writes this topic. */
    public Produced<K, V> produced(String sinkName) {
        return Produced.with(keySerde, valueSerde).withName(sinkName);
    }
}
