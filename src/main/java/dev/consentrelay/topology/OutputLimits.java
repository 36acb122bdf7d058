package dev.consentrelay.topology;

import java.util.Map;

/**
 * The largest record each output topic accepts ({@code max.message.bytes}). Under exactly-once a record the broker
 * refuses does not just fail alone: it puts the whole transaction in error, the task restarts from its last commit
 * and meets the same record again, so one oversized output would stop its partition for good. The topology checks
 * every output against these limits before sending it and dead-letters the source instead.
 *
 * @param byTopic limits of topics whose setting is known
 * @param otherTopics limit of every other topic (the broker's {@code message.max.bytes})
 */
public record OutputLimits(Map<String, Integer> byTopic, int otherTopics) {

    /** Kafka's default {@code message.max.bytes}. */
    public static final int KAFKA_DEFAULT = 1_048_588;

    /**
     * Room left for what the broker counts beside key and value: record batch header (61 bytes), record framing and
     * the headers of a record.
     */
    public static final int OVERHEAD = 512;

    public OutputLimits {
        byTopic = Map.copyOf(byTopic);
    }

    /** Kafka's defaults everywhere. */
    public static OutputLimits defaults() {
        return new OutputLimits(Map.of(), KAFKA_DEFAULT);
    }

    /** The limit of {@code topic}. */
    public int maxBytes(String topic) {
        return byTopic.getOrDefault(topic, otherTopics);
    }

    /** Whether a record with this key and value fits {@code topic}. */
    public boolean fits(String topic, int keyBytes, int valueBytes) {
        return (long) keyBytes + valueBytes + OVERHEAD <= maxBytes(topic);
    }
}
