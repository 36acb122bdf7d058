package dev.consentrelay.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.consentrelay.schema.PendingCommand;

/**
 * The tracking stores of propagation: entries keyed {@code signalId|commandId} (a prefix scan gives one signal's
 * commands), a deadline index ({@code <13-digit epoch millis>|signalId|commandId}) holding only commands still
 * waiting for their first breach check, and a retention index ({@code <13-digit epoch millis>|signalId}) of
 * signals whose entries may be purged. Range scans up to "now" find what is due without scanning the entries.
 * <p>
 * The deadline index is derived from the entries alone, so it need not be logged: it is emptied and
 * rebuilt from the entries ({@link #rebuildDeadlines}) when the task starts, which saves a
 * changelog record for every command tracked and every command answered. It stays on disk (RocksDB) rather than in
 * the heap, because under a propagation backlog it holds an entry per unanswered command.
 */
public final class PropagationLedger {

    /** Deadline index keys deleted per pass when the index is emptied at task start. */
    private static final int CLEAR_CHUNK = 10_000;

    private static final char SEPARATOR = '|';
    private static final String ZERO = "0000000000000";

    private final KeyValueStore<String, PendingCommand> entries;
    private final KeyValueStore<String, String> deadlines;
    private final KeyValueStore<String, String> retention;

    public PropagationLedger(KeyValueStore<String, PendingCommand> entries, KeyValueStore<String, String> deadlines,
            KeyValueStore<String, String> retention) {
        this.entries = entries;
        this.deadlines = deadlines;
        this.retention = retention;
    }

    /** The key of one command's entry. */
    public static String key(String signalId, String commandId) {
        return signalId + SEPARATOR + commandId;
    }

    /** The prefix shared by every entry of one signal. */
    public static String prefix(String signalId) {
        return signalId + SEPARATOR;
    }

    public PendingCommand get(String signalId, String commandId) {
        return entries.get(key(signalId, commandId));
    }

    /** Stores an entry; while it has no final status and no breach, it is also indexed by its deadline. */
    public void put(PendingCommand entry) {
        String key = key(entry.getSignalId().toString(), entry.getCommandId().toString());
        entries.put(key, entry);
        indexDeadline(key, entry);
    }

    /**
     * Indexes a stored entry by its deadline while it has no final status and no breach, and removes it from the
     * index otherwise (a stale index entry found by {@link #overdue} is dropped this way).
     */
    public void indexDeadline(PendingCommand entry) {
        indexDeadline(key(entry.getSignalId().toString(), entry.getCommandId().toString()), entry);
    }

    private void indexDeadline(String key, PendingCommand entry) {
        String deadlineKey = timeKey(entry.getDeadline()) + SEPARATOR + key;
        if (entry.getStatus() == null && !entry.getBreached()) {
            deadlines.put(deadlineKey, key);
        } else {
            deadlines.delete(deadlineKey);
        }
    }

    /**
     * Empties the deadline index and indexes every entry again, handing each entry to {@code each} on the way (the
     * task rebuilds its pending gauges in the same pass). Streams over the stores: with a propagation backlog they hold
     * an entry per unanswered command, too many to collect in the heap at once.
     */
    public void rebuildDeadlines(Consumer<PendingCommand> each) {
        List<String> keys;
        do {
            keys = new ArrayList<>(CLEAR_CHUNK);
            try (KeyValueIterator<String, String> it = deadlines.all()) {
                while (it.hasNext() && keys.size() < CLEAR_CHUNK) {
                    keys.add(it.next().key);
                }
            }
            keys.forEach(deadlines::delete);
        } while (keys.size() == CLEAR_CHUNK);
        try (KeyValueIterator<String, PendingCommand> it = entries.all()) {
            it.forEachRemaining(kv -> {
                indexDeadline(kv.key, kv.value);
                each.accept(kv.value);
            });
        }
    }

    /** Every entry of one signal, in command id order. */
    public List<PendingCommand> signal(String signalId) {
        List<PendingCommand> found = new ArrayList<>();
        try (KeyValueIterator<String, PendingCommand> it = entries.prefixScan(prefix(signalId),
                new StringSerializer())) {
            it.forEachRemaining(kv -> found.add(kv.value));
        }
        return found;
    }

    /** Up to {@code limit} entries whose deadline is at or before {@code now}, earliest first. */
    public List<PendingCommand> overdue(Instant now, int limit) {
        List<PendingCommand> due = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, String> it = deadlines.range(ZERO, upTo(now))) {
            while (it.hasNext() && due.size() < limit) {
                KeyValue<String, String> index = it.next();
                PendingCommand entry = entries.get(index.value);
                if (entry == null) {
                    stale.add(index.key);
                } else {
                    due.add(entry);
                }
            }
        }
        stale.forEach(deadlines::delete);
        return due;
    }

    /** Schedules the purge of a signal's entries at {@code at}. */
    public void retainUntil(String signalId, Instant at) {
        retention.put(timeKey(at) + SEPARATOR + signalId, signalId);
    }

    /** Up to {@code limit} signals whose retention ran out by {@code now}; their index entries are removed. */
    public List<String> retentionDue(Instant now, int limit) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = retention.range(ZERO, upTo(now))) {
            while (it.hasNext() && due.size() < limit) {
                due.add(it.next());
            }
        }
        due.forEach(kv -> retention.delete(kv.key));
        return due.stream().map(kv -> kv.value).toList();
    }

    /** Deletes every entry of one signal (and their deadline index entries). */
    public void purge(String signalId) {
        for (PendingCommand entry : signal(signalId)) {
            String key = key(signalId, entry.getCommandId().toString());
            entries.delete(key);
            deadlines.delete(timeKey(entry.getDeadline()) + SEPARATOR + key);
        }
    }

    static String timeKey(Instant at) {
        return String.format("%013d", Math.max(0, at.toEpochMilli()));
    }

    private static String upTo(Instant now) {
        return timeKey(now) + SEPARATOR + Character.MAX_VALUE;
    }
}
