package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.SignalPropagation;

/**
 * Propagation tracking in the subject's task: one entry per signal ({@link StoreNames#SIGNAL_PROPAGATION}, keyed
 * {@code subjectId|signalId}) holding its decision and every command with its vendor's answer, and three indexes
 * derived from the entries alone, so none has a changelog: they are emptied and rebuilt from the entries
 * ({@link #rebuild}) when the task starts.
 * <ul>
 * <li>deadlines: {@code <13-digit epoch millis>|subjectId|signalId} of the earliest unanswered, unbreached command,
 * for the SLA check;</li>
 * <li>retention: {@code <13-digit epoch millis>|subjectId|signalId}, when nothing is left to wait for (every command
 * answered or breached): the entry's last change plus the retention;</li>
 * <li>signal subjects: signal id to subject id, for the status query by signal id alone.</li>
 * </ul>
 * Range scans up to "now" find what is due without scanning the entries. The indexes stay on disk (RocksDB) rather
 * than in the heap: under a propagation backlog they hold an entry per unanswered signal.
 */
public final class PropagationLedger {

    /** Index keys deleted per pass when an index is emptied at task start. */
    private static final int CLEAR_CHUNK = 10_000;

    private static final char SEPARATOR = '|';

    private final KeyValueStore<String, SignalPropagation> entries;
    private final KeyValueStore<String, String> deadlines;
    private final KeyValueStore<String, String> retention;
    private final KeyValueStore<String, String> subjects;
    private final Duration retentionPeriod;

    public PropagationLedger(KeyValueStore<String, SignalPropagation> entries, KeyValueStore<String, String> deadlines,
            KeyValueStore<String, String> retention, KeyValueStore<String, String> subjects,
            Duration retentionPeriod) {
        this.entries = entries;
        this.deadlines = deadlines;
        this.retention = retention;
        this.subjects = subjects;
        this.retentionPeriod = retentionPeriod;
    }

    /** The key of one signal's entry. */
    public static String key(String subjectId, String signalId) {
        return subjectId + SEPARATOR + signalId;
    }

    /** The prefix shared by every entry of one subject. */
    public static String prefix(String subjectId) {
        return subjectId + SEPARATOR;
    }

    public SignalPropagation get(String subjectId, String signalId) {
        return entries.get(key(subjectId, signalId));
    }

    /**
     * The entry of the signal that issued {@code commandId} to the subject, found by scanning the subject's entries.
     */
    public Optional<SignalPropagation> findByCommand(String subjectId, UUID commandId) {
        try (KeyValueIterator<String, SignalPropagation> it = entries.prefixScan(prefix(subjectId),
                new StringSerializer())) {
            while (it.hasNext()) {
                SignalPropagation entry = it.next().value;
                if (entry.getCommands().stream().anyMatch(c -> c.getCommandId().equals(commandId))) {
                    return Optional.of(entry);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Stores a signal's entry and re-indexes it.
     *
     * @param previous the entry as it was stored, {@code null} for a new one: its index keys are replaced
     */
    public void put(SignalPropagation previous, SignalPropagation entry) {
        String key = key(entry.getSubjectId(), entry.getSignalId());
        entries.put(key, entry);
        if (previous == null) {
            subjects.put(entry.getSignalId(), entry.getSubjectId());
        }
        reindex(key, previous, entry);
    }

    private void reindex(String key, SignalPropagation previous, SignalPropagation entry) {
        Optional<String> deadlineBefore = previous == null ? Optional.empty() : deadlineKey(key, previous);
        Optional<String> deadlineAfter = deadlineKey(key, entry);
        if (!deadlineBefore.equals(deadlineAfter)) {
            deadlineBefore.ifPresent(deadlines::delete);
            deadlineAfter.ifPresent(k -> deadlines.put(k, key));
        }
        Optional<String> retainBefore = previous == null ? Optional.empty() : retentionKey(key, previous);
        Optional<String> retainAfter = retentionKey(key, entry);
        if (!retainBefore.equals(retainAfter)) {
            retainBefore.ifPresent(retention::delete);
            retainAfter.ifPresent(k -> retention.put(k, key));
        }
    }

    /** The deadline index key: the earliest deadline among commands still waiting for an answer or a breach. */
    private static Optional<String> deadlineKey(String key, SignalPropagation entry) {
        return entry.getCommands().stream().filter(PropagationLedger::waiting).map(PendingCommand::getDeadline)
                .min(Instant::compareTo).map(at -> TimeKeys.of(at) + SEPARATOR + key);
    }

    /** The retention index key, once no command waits any more. */
    private Optional<String> retentionKey(String key, SignalPropagation entry) {
        if (entry.getCommands().stream().anyMatch(PropagationLedger::waiting)) {
            return Optional.empty();
        }
        return Optional.of(TimeKeys.of(entry.getUpdatedAt().plus(retentionPeriod)) + SEPARATOR + key);
    }

    /** A command with neither a final answer nor a reported breach. */
    public static boolean waiting(PendingCommand command) {
        return command.getStatus() == null && !command.getBreached();
    }

    /**
     * Empties the indexes and indexes every entry again, handing each entry to {@code each} on the way (the task
     * rebuilds its pending gauges in the same pass). Streams over the stores: with a propagation backlog they hold an
     * entry per unanswered signal, too many to collect in the heap at once.
     */
    public void rebuild(Consumer<SignalPropagation> each) {
        clear(deadlines);
        clear(retention);
        clear(subjects);
        try (KeyValueIterator<String, SignalPropagation> it = entries.all()) {
            it.forEachRemaining(kv -> {
                subjects.put(kv.value.getSignalId(), kv.value.getSubjectId());
                reindex(kv.key, null, kv.value);
                each.accept(kv.value);
            });
        }
    }

    private static void clear(KeyValueStore<String, String> index) {
        List<String> keys;
        do {
            keys = new ArrayList<>(CLEAR_CHUNK);
            try (KeyValueIterator<String, String> it = index.all()) {
                while (it.hasNext() && keys.size() < CLEAR_CHUNK) {
                    keys.add(it.next().key);
                }
            }
            keys.forEach(index::delete);
        } while (keys.size() == CLEAR_CHUNK);
    }

    /** Up to {@code limit} entries with a command whose deadline is at or before {@code now}, earliest first. */
    public List<SignalPropagation> overdue(Instant now, int limit) {
        return due(deadlines, now, limit, PropagationLedger::deadlineKey);
    }

    /** Up to {@code limit} entries whose retention ran out by {@code now}. */
    public List<SignalPropagation> retentionDue(Instant now, int limit) {
        return due(retention, now, limit, this::retentionKey);
    }

    /** Entries due in {@code index}; an index key the entry no longer derives (stale) is dropped. */
    private List<SignalPropagation> due(KeyValueStore<String, String> index, Instant now, int limit,
            BiFunction<String, SignalPropagation, Optional<String>> derive) {
        List<SignalPropagation> due = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, String> it = index.range(TimeKeys.EARLIEST, upTo(now))) {
            while (it.hasNext() && due.size() < limit) {
                KeyValue<String, String> next = it.next();
                SignalPropagation entry = entries.get(next.value);
                if (entry == null || !derive.apply(next.value, entry).equals(Optional.of(next.key))) {
                    stale.add(next.key);
                } else {
                    due.add(entry);
                }
            }
        }
        stale.forEach(index::delete);
        return due;
    }

    /** Deletes a signal's entry and its index keys. */
    public void purge(SignalPropagation entry) {
        String key = key(entry.getSubjectId(), entry.getSignalId());
        entries.delete(key);
        deadlineKey(key, entry).ifPresent(deadlines::delete);
        retentionKey(key, entry).ifPresent(retention::delete);
        // A signal id reused for another subject keeps that subject's index entry.
        if (entry.getSubjectId().equals(subjects.get(entry.getSignalId()))) {
            subjects.delete(entry.getSignalId());
        }
    }

    private static String upTo(Instant now) {
        return TimeKeys.of(now) + SEPARATOR + Character.MAX_VALUE;
    }
}
