package dev.consentrelay.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.consentrelay.schema.CommandAnswer;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationAnswers;
import dev.consentrelay.schema.SignalPropagation;

/**
 * Propagation tracking in the subject's task: one entry per signal, keyed {@code subjectId|signalId}, holding its
 * decision and every command with its vendor's answer, and three indexes derived from the entries alone, so none has a
 * changelog: they are rebuilt from the entries when the task starts ({@link #startRebuild}), in steps between which
 * the task processes records, so a restored task does not wait for its indexes.
 * <p>
 * An entry is stored in two parts under the same key: what the decision issued ({@link StoreNames#SIGNAL_PROPAGATION},
 * written once when the signal is decided) and the answers so far ({@link StoreNames#PROPAGATION_ANSWERS}: status,
 * attempts, times and breach of each answered command, rewritten by each acknowledgement or breach). An answer then
 * writes tens of bytes to the store and its changelog instead of the whole entry of about a kilobyte, which RocksDB
 * would compact again and a restore would read again. The ledger reads an entry as its first part with the answers
 * laid over its commands ({@link #merge}); an entry written whole by an earlier release, with no answers part, reads
 * as it was stored.
 * <ul>
 * <li>deadlines: {@code <13-digit epoch millis>|subjectId|signalId} of the earliest unanswered, unbreached command,
 * for the SLA check;</li>
 * <li>retention: {@code <13-digit epoch millis>|subjectId|signalId}, when nothing is left to wait for (every command
 * answered or breached): the entry's last change plus the retention;</li>
 * <li>signal subjects: signal id to subject id, for the status query by signal id alone.</li>
 * </ul>
 * Range scans up to "now" find what is due without scanning the entries. The indexes stay on disk (RocksDB) rather
 * than in the heap: under a propagation backlog they hold an entry per unanswered signal.
 * <p>
 * The entries last read or written stay in the heap as objects ({@value #RECENT} at most, least recently used out),
 * and an update changes the entry in place: a signal's acknowledgements, which come close together, then cost no read
 * and no copy. The entries an input record changed are written to the store once each, when the processor has
 * applied the whole record ({@link #write}), so a record carrying several acknowledgements of one signal costs one
 * serialization; the objects are the ledger's own and live as long as its task.
 */
public final class PropagationLedger {

    /** Entries kept as objects. */
    static final int RECENT = 256;

    /**
     * Held by the signal index while a rebuild runs. Signal ids are UUIDs, so none is this key; tildes sort after
     * every UUID character.
     */
    public static final String REBUILDING = "~rebuilding";

    private static final char SEPARATOR = '|';

    private final KeyValueStore<String, SignalPropagation> entries;
    private final KeyValueStore<String, PropagationAnswers> answers;
    private final KeyValueStore<String, String> deadlines;
    private final KeyValueStore<String, String> retention;
    private final KeyValueStore<String, String> subjects;
    private final Duration retentionPeriod;
    private final Map<String, SignalPropagation> recent;
    /** Entries changed since the last {@link #write}, with their index keys before the first change. */
    private final Map<String, Changed> changed = new LinkedHashMap<>();
    /** While a rebuild runs: the last key it indexed (null before the first). */
    private Bytes rebuiltUpTo;
    private boolean rebuilding;
    private long rebuildRead;

    /** An entry changed in place and not yet written, and the index keys it had when written last. */
    private record Changed(SignalPropagation entry, Optional<String> deadlineBefore, Optional<String> retainBefore) {
    }

    public PropagationLedger(Stores stores, Duration retentionPeriod) {
        this(stores, retentionPeriod, RECENT);
    }

    /** The task's propagation stores. */
    public record Stores(KeyValueStore<String, SignalPropagation> entries,
            KeyValueStore<String, PropagationAnswers> answers, KeyValueStore<String, String> deadlines,
            KeyValueStore<String, String> retention, KeyValueStore<String, String> subjects) {
    }

    /** A ledger keeping up to {@code recentCapacity} entries as objects. */
    PropagationLedger(Stores stores, Duration retentionPeriod, int recentCapacity) {
        this.entries = stores.entries();
        this.answers = stores.answers();
        this.deadlines = stores.deadlines();
        this.retention = stores.retention();
        this.subjects = stores.subjects();
        this.retentionPeriod = retentionPeriod;
        this.recent = new LinkedHashMap<>(recentCapacity * 2, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SignalPropagation> eldest) {
                return size() > recentCapacity;
            }
        };
    }

    /** The key of one signal's entry. */
    public static String key(String subjectId, String signalId) {
        return subjectId + SEPARATOR + signalId;
    }

    /** The prefix shared by every entry of one subject. */
    public static String prefix(String subjectId) {
        return subjectId + SEPARATOR;
    }

    /** The signal's entry, or null; the ledger's own object, to be changed through {@link #update} only. */
    public SignalPropagation get(String subjectId, String signalId) {
        return entry(key(subjectId, signalId));
    }

    private SignalPropagation entry(String key) {
        Changed pending = changed.get(key);
        if (pending != null) {
            return pending.entry();
        }
        SignalPropagation entry = recent.get(key);
        if (entry == null) {
            entry = read(entries, answers, key);
            if (entry != null) {
                recent.put(key, entry);
            }
        }
        return entry;
    }

    /** One entry as its two stores hold it (see {@link #merge}), or null; for the ledger and the status queries. */
    public static SignalPropagation read(ReadOnlyKeyValueStore<String, SignalPropagation> entries,
            ReadOnlyKeyValueStore<String, PropagationAnswers> answers, String key) {
        SignalPropagation entry = entries.get(key);
        return entry == null ? null : merge(entry, answers.get(key));
    }

    /**
     * Lays the stored answers of an entry over its commands, in place; returns the entry. Null answers (none yet, or
     * an entry an earlier release stored whole) leave it as it is.
     */
    public static SignalPropagation merge(SignalPropagation entry, PropagationAnswers stored) {
        if (stored == null) {
            return entry;
        }
        List<PendingCommand> commands = entry.getCommands();
        for (CommandAnswer answer : stored.getAnswers()) {
            if (answer.getIndex() < 0 || answer.getIndex() >= commands.size()) {
                throw new UnreadableStateException(StoreNames.PROPAGATION_ANSWERS, "key sha256:"
                        + UnreadableStateException.fingerprint(key(entry.getSubjectId(), entry.getSignalId())),
                        new SerializationException("the answers name command " + answer.getIndex()
                                + " of an entry with " + commands.size()));
            }
            PendingCommand command = commands.get(answer.getIndex());
            command.setStatus(answer.getStatus());
            command.setAttempts(answer.getAttempts());
            command.setAppliedAt(answer.getAppliedAt());
            command.setDetail(answer.getDetail());
            command.setBreached(answer.getBreached());
            command.setUpdatedAt(answer.getUpdatedAt());
        }
        entry.setUpdatedAt(stored.getUpdatedAt());
        return entry;
    }

    /** The answers part of an entry: each command answered or breached, by its position. */
    static PropagationAnswers answersOf(SignalPropagation entry) {
        List<CommandAnswer> answered = new ArrayList<>();
        List<PendingCommand> commands = entry.getCommands();
        for (int i = 0; i < commands.size(); i++) {
            PendingCommand command = commands.get(i);
            if (command.getStatus() != null || command.getBreached()) {
                answered.add(new CommandAnswer(i, command.getStatus(), command.getAttempts(), command.getAppliedAt(),
                        command.getDetail(), command.getBreached(), command.getUpdatedAt()));
            }
        }
        return new PropagationAnswers(answered, entry.getUpdatedAt());
    }

    /**
     * The entry of the signal that issued {@code commandId} to the subject, found by scanning the subject's entries.
     */
    public Optional<SignalPropagation> findByCommand(String subjectId, UUID commandId) {
        try (KeyValueIterator<String, SignalPropagation> it = entries.prefixScan(prefix(subjectId),
                new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, SignalPropagation> next = it.next();
                if (next.value.getCommands().stream().anyMatch(c -> c.getCommandId().equals(commandId))) {
                    // The object the ledger already holds, if any: the one an update must change.
                    Changed pending = changed.get(next.key);
                    return Optional.of(pending != null
                            ? pending.entry()
                            : recent.computeIfAbsent(next.key, key -> merge(next.value, answers.get(key))));
                }
            }
        }
        return Optional.empty();
    }

    /** Stores a new signal's entry, which becomes the ledger's own, and indexes it. */
    public void open(SignalPropagation entry) {
        String key = key(entry.getSubjectId(), entry.getSignalId());
        entries.put(key, entry);
        recent.put(key, entry);
        subjects.put(entry.getSignalId(), entry.getSubjectId());
        reindex(key, Optional.empty(), Optional.empty(), entry);
    }

    /**
     * Changes a stored entry (as {@link #get} gave it) in place; {@link #write} stores and re-indexes it, once however
     * many updates came before.
     */
    public void update(SignalPropagation entry, Consumer<SignalPropagation> change) {
        String key = key(entry.getSubjectId(), entry.getSignalId());
        changed.computeIfAbsent(key, k -> new Changed(entry, deadlineKey(k, entry), retentionKey(k, entry)));
        change.accept(entry);
        recent.put(key, entry);
    }

    /**
     * Stores the answers of every entry changed since the last call and re-indexes it; the processor calls it after
     * each input. The entry's first part, written when it was opened, does not change.
     */
    public void write() {
        changed.forEach((key, pending) -> {
            answers.put(key, answersOf(pending.entry()));
            reindex(key, pending.deadlineBefore(), pending.retainBefore(), pending.entry());
        });
        changed.clear();
    }

    private void reindex(String key, Optional<String> deadlineBefore, Optional<String> retainBefore,
            SignalPropagation entry) {
        Optional<String> deadlineAfter = deadlineKey(key, entry);
        if (!deadlineBefore.equals(deadlineAfter)) {
            deadlineBefore.ifPresent(deadlines::delete);
            deadlineAfter.ifPresent(k -> deadlines.put(k, key));
        }
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
     * Starts indexing every entry again, a step at a time ({@link #rebuildStep}), while the task goes on processing.
     * The indexes are not emptied first: a key a previous run left that the entry no longer derives is dropped where
     * it is used ({@link #overdue}, {@link #retentionDue}), and a signal id whose entry is gone finds nothing. The
     * signal index holds {@link #REBUILDING} until the last step, so that a status query by signal id alone can tell
     * "not indexed yet" from "not here".
     */
    public void startRebuild() {
        rebuiltUpTo = null;
        rebuildRead = 0;
        rebuilding = true;
        subjects.put(REBUILDING, "");
    }

    /** Whether a rebuild started and has not read the last entry yet. */
    public boolean rebuilding() {
        return rebuilding;
    }

    /**
     * Whether the entry under {@code key} is indexed: no rebuild is running, or it already passed the key. An entry
     * it has not reached yet is counted by the rebuild as it finds it, so whoever keeps counts from its changes (the
     * pending gauges) leaves such an entry to the rebuild.
     */
    public boolean indexed(String key) {
        return !rebuilding || rebuiltUpTo != null && utf8(key).compareTo(rebuiltUpTo) <= 0;
    }

    /**
     * Indexes up to {@code max} entries after the last one indexed, handing each to {@code each} on the way (the task
     * rebuilds its pending gauges in the same pass); returns whether the rebuild is complete. Streams over the stores
     * in key order, reading the two parts of the entries side by side; between two steps the task processes records,
     * and an entry it opens, changes or purges meanwhile is indexed by that change (again by the rebuild, with the
     * same keys, if the rebuild has not passed it yet).
     */
    public boolean rebuildStep(int max, Consumer<SignalPropagation> each) {
        if (!rebuilding) {
            return true;
        }
        String from = rebuiltUpTo == null ? null : new String(rebuiltUpTo.get(), StandardCharsets.UTF_8);
        try (KeyValueIterator<String, SignalPropagation> it = from == null
                ? entries.all()
                : entries.range(from, null);
                KeyValueIterator<String, PropagationAnswers> answered = from == null
                        ? answers.all()
                        : answers.range(from, null)) {
            int read = 0;
            KeyValue<String, PropagationAnswers> pending = answered.hasNext() ? answered.next() : null;
            while (read < max && it.hasNext()) {
                KeyValue<String, SignalPropagation> kv = it.next();
                Bytes key = utf8(kv.key);
                if (rebuiltUpTo != null && key.compareTo(rebuiltUpTo) <= 0) {
                    // The range starts at the last key indexed, which the previous step read.
                    continue;
                }
                // Answers with no entry before this one (none are written so) are passed over.
                while (pending != null && utf8(pending.key).compareTo(key) < 0) {
                    pending = answered.hasNext() ? answered.next() : null;
                }
                SignalPropagation entry = kv.value;
                if (pending != null && pending.key.equals(kv.key)) {
                    merge(entry, pending.value);
                }
                subjects.put(entry.getSignalId(), entry.getSubjectId());
                reindex(kv.key, Optional.empty(), Optional.empty(), entry);
                each.accept(entry);
                rebuiltUpTo = key;
                read++;
            }
            rebuildRead += read;
            if (it.hasNext()) {
                return false;
            }
        }
        rebuilding = false;
        subjects.delete(REBUILDING);
        return true;
    }

    /** How many entries the current (or last) rebuild has read. */
    public long rebuildRead() {
        return rebuildRead;
    }

    /** Rebuilds the indexes in one go ({@link #startRebuild}, then one step); returns how many entries it read. */
    public long rebuild(Consumer<SignalPropagation> each) {
        startRebuild();
        rebuildStep(Integer.MAX_VALUE, each);
        return rebuildRead;
    }

    /** A key as the stores order it: by its UTF-8 bytes. */
    private static Bytes utf8(String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
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
                SignalPropagation entry = entry(next.value);
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
        answers.delete(key);
        recent.remove(key);
        Changed pending = changed.remove(key);
        if (pending != null) {
            // Changed since written: the indexes hold the keys it had then.
            pending.deadlineBefore().ifPresent(deadlines::delete);
            pending.retainBefore().ifPresent(retention::delete);
        }
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
