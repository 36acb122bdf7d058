package dev.consentrelay.topology;

import java.time.Instant;

/**
 * Keys of the {@link StoreNames#SUBJECT_AUDIT} store: {@code subjectId|recordedAt|eventId}, the time as 13 zero-padded
 * epoch milliseconds, so a prefix scan of {@code subjectId|} returns a subject's trail in the order it was recorded.
 */
public final class SubjectAuditKeys {

    private SubjectAuditKeys() {
    }

    /** The key of one event. */
    public static String key(String subjectId, Instant recordedAt, String eventId) {
        return prefix(subjectId) + String.format("%013d", Math.max(0, recordedAt.toEpochMilli())) + "|" + eventId;
    }

    /** The prefix of every key of a subject. */
    public static String prefix(String subjectId) {
        return subjectId + "|";
    }

    /** The recording time in a key; {@code null} when the key is not one of ours. */
    public static Instant recordedAt(String key) {
        int end = key.lastIndexOf('|');
        int start = end < 0 ? -1 : key.lastIndexOf('|', end - 1);
        if (start < 0) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(key.substring(start + 1, end)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
