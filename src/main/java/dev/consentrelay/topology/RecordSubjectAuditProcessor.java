package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.consentrelay.schema.AuditEvent;

/**
 * Keeps the audit topic per subject in {@link StoreNames#SUBJECT_AUDIT}, a read-only store whose changelog is the
 * audit topic itself: records are stored under their own key ({@code subjectId|recordedAt|eventId}, see
 * {@link SubjectAuditKeys}), which is what a restore from the topic writes too, so the proof report of a subject is
 * one prefix scan. Events without a subject (undecodable input) are not kept here; they stay in the topic. A record an
 * earlier release keyed by subject alone is stored under the full key. With a retention, a wall-clock sweep walks
 * the store a bounded batch per tick and drops events recorded before it (a restore brings back what the topic still
 * holds, and the next sweeps drop it again).
 */
public final class RecordSubjectAuditProcessor implements Processor<String, AuditEvent, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSubjectAuditProcessor.class);

    private final Duration retention;
    private final Duration sweepInterval;
    private final int sweepBatch;
    private KeyValueStore<String, AuditEvent> store;
    private String sweepCursor;

    /**
     * @param retention how long events are kept; {@code null} or zero keeps them forever
     * @param sweepInterval how often (wall clock) expired events are looked for
     * @param sweepBatch how many keys one sweep looks at
     */
    public RecordSubjectAuditProcessor(Duration retention, Duration sweepInterval, int sweepBatch) {
        this.retention = retention == null || retention.isZero() || retention.isNegative() ? null : retention;
        this.sweepInterval = sweepInterval;
        this.sweepBatch = sweepBatch;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.SUBJECT_AUDIT);
        if (retention != null) {
            context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME,
                    timestamp -> sweep(Instant.ofEpochMilli(timestamp)));
        }
    }

    @Override
    public void process(Record<String, AuditEvent> record) {
        AuditEvent event = record.value();
        if (event == null) {
            return;
        }
        String subjectId = event.getSubjectId() != null
                ? event.getSubjectId()
                : record.key() == null ? null : SubjectAuditKeys.subjectOf(record.key());
        if (subjectId == null || subjectId.isEmpty()) {
            return;
        }
        store.put(SubjectAuditKeys.key(subjectId, event.getRecordedAt(), event.getEventId().toString()), event);
    }

    /** Drops events recorded before {@code now - retention}, looking at a bounded batch of keys from a cursor. */
    void sweep(Instant now) {
        Instant oldest = now.minus(retention);
        int looked = 0;
        int dropped = 0;
        String last = null;
        try (KeyValueIterator<String, AuditEvent> it = sweepCursor == null
                ? store.all()
                : store.range(sweepCursor, null)) {
            while (it.hasNext() && looked < sweepBatch) {
                KeyValue<String, AuditEvent> entry = it.next();
                if (entry.key.equals(sweepCursor)) {
                    continue;
                }
                looked++;
                last = entry.key;
                Instant at = SubjectAuditKeys.recordedAt(entry.key);
                if (at != null && at.isBefore(oldest)) {
                    store.delete(entry.key);
                    dropped++;
                }
            }
            sweepCursor = it.hasNext() ? last : null;
        }
        if (dropped > 0) {
            LOG.debug("Audit retention: dropped {} event(s) recorded before {}", dropped, oldest);
        }
    }
}
