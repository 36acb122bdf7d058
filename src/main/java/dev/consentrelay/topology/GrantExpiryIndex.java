package dev.consentrelay.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Subjects ordered by the time their next grant expires. Keys are {@code <13-digit epoch millis>|<subjectId>}, so a
 * range scan from the start up to now finds exactly the subjects due, however large the table is.
 */
public final class GrantExpiryIndex {

    private static final char SEPARATOR = '|';

    private final KeyValueStore<String, String> store;

    public GrantExpiryIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** Moves a subject's entry from its previous expiry time to its next one (either may be absent). */
    public void update(String subjectId, Optional<Instant> previous, Optional<Instant> next) {
        if (previous.equals(next)) {
            return;
        }
        previous.ifPresent(at -> store.delete(key(at, subjectId)));
        next.ifPresent(at -> store.put(key(at, subjectId), subjectId));
    }

    /** Up to {@code limit} entries due at or before {@code now}, earliest first. */
    public List<Due> due(Instant now, int limit) {
        List<Due> due = new ArrayList<>();
        String upper = TimeKeys.of(now) + SEPARATOR + Character.MAX_VALUE;
        try (KeyValueIterator<String, String> it = store.range(TimeKeys.EARLIEST, upper)) {
            while (it.hasNext() && due.size() < limit) {
                KeyValue<String, String> entry = it.next();
                long at = Long.parseLong(entry.key.substring(0, entry.key.indexOf(SEPARATOR)));
                due.add(new Due(Instant.ofEpochMilli(at), entry.value));
            }
        }
        return due;
    }

    /** Removes one entry. */
    public void remove(Due due) {
        store.delete(key(due.at(), due.subjectId()));
    }

    static String key(Instant at, String subjectId) {
        return TimeKeys.of(at) + SEPARATOR + subjectId;
    }

    /** A subject whose grant expires at {@code at}. */
    public record Due(Instant at, String subjectId) {
    }
}
