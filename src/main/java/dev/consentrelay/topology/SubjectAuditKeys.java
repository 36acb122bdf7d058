package dev.consentrelay.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Keys of the audit topic and of the {@link StoreNames#SUBJECT_AUDIT} store materialized from it:
 * {@code subjectId|recordedAt|eventId}, the time as 13 zero-padded epoch milliseconds, so a prefix scan of
 * {@code subjectId|} returns a subject's trail in the order it was recorded. Records are partitioned by the subject
 * part alone ({@link #PARTITIONER}, murmur2 of its UTF-8 bytes like Kafka's default partitioner), so a subject's audit
 * events share the partition number of its signals, and interactive-query metadata for {@code subjectId} finds them.
 */
public final class SubjectAuditKeys {

    /** Partitions an audit record by the subject part of its key; the default partitioner for one without. */
    public static final StreamPartitioner<String, Object> PARTITIONER = (topic, key, value, partitions) -> {
        String subjectId = key == null ? "" : subjectOf(key);
        return subjectId.isEmpty()
                ? Optional.empty()
                : Optional.of(Set.of(Utils.toPositive(Utils.murmur2(subjectId.getBytes(StandardCharsets.UTF_8)))
                        % partitions));
    };

    private SubjectAuditKeys() {
    }

    /**
     * The subject part of a key (a subject id may itself contain the separator); the whole key when it is not one of
     * ours (a record an earlier release keyed by subject alone).
     */
    public static String subjectOf(String key) {
        int end = key.lastIndexOf('|');
        int start = end < 0 ? -1 : key.lastIndexOf('|', end - 1);
        return recordedAt(key) == null ? key : key.substring(0, start);
    }

    /** Whether a key is one of ours with a subject: {@code subjectId|recordedAt|eventId}, the subject not empty. */
    public static boolean isEventKey(String key) {
        return key != null && key.indexOf('|') > 0 && recordedAt(key) != null;
    }

    /** The key of one event. */
    public static String key(String subjectId, Instant recordedAt, String eventId) {
        return prefix(subjectId) + TimeKeys.of(recordedAt) + "|" + eventId;
    }

    /** The prefix of every key of a subject. */
    public static String prefix(String subjectId) {
        return subjectId + "|";
    }

    /** The recording time in a key; {@code null} when the key is not one of ours. */
    public static Instant recordedAt(String key) {
        int end = key.lastIndexOf('|');
        int start = end < 0 ? -1 : key.lastIndexOf('|', end - 1);
        if (start < 0 || end - start - 1 != 13) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(key.substring(start + 1, end)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
