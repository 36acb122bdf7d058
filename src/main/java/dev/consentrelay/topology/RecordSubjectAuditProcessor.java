package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
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
import dev.consentrelay.serde.WireFormat;

/**
 * Keeps the audit topic per subject in {@link StoreNames#SUBJECT_AUDIT}, a read-only store whose changelog is the
 * audit topic itself: records are stored under their own key ({@code subjectId|recordedAt|eventId}, see
 * {@link SubjectAuditKeys}), which is what a restore from the topic writes too, so the proof report of a subject is
 * one prefix scan. The store holds the topic's bytes: a record under one of those keys is stored as it came, without
 * being decoded, as a restore stores it (readers decode, {@link SubjectAuditTrail}). Events without a subject
 * (undecodable input) are not kept here; they stay in the topic. A record an earlier release keyed by subject alone is
 * decoded for its subject, time and id, and stored under the full key. With a retention, a wall-clock sweep walks
 * the store a bounded batch per tick and drops events recorded before it (a restore brings back what the topic still
 * holds, and the next sweeps drop it again).
 * <p>
 * The processor shares the stream thread with the consent path, and a burst leaves it behind: decoding and encoding
 * each event again made that backlog slow to drain, delaying the decisions processed beside it.
 */
public final class RecordSubjectAuditProcessor implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSubjectAuditProcessor.class);

    private final Duration retention;
    private final Duration sweepInterval;
    private final int sweepBatch;
    private final Deserializer<AuditEvent> decoder;
    private final String topic;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;
    private String sweepCursor;

    /**
     * @param retention how long events are kept; {@code null} or zero keeps them forever
     * @param sweepInterval how often (wall clock) expired events are looked for
     * @param sweepBatch how many keys one sweep looks at
     * @param decoder reads a record an earlier release keyed by subject alone
     * @param topic the audit topic, for the decoder
     */
    public RecordSubjectAuditProcessor(Duration retention, Duration sweepInterval, int sweepBatch,
            Deserializer<AuditEvent> decoder, String topic) {
        this.retention = retention == null || retention.isZero() || retention.isNegative() ? null : retention;
        this.sweepInterval = sweepInterval;
        this.sweepBatch = sweepBatch;
        this.decoder = decoder;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(StoreNames.SUBJECT_AUDIT);
        if (retention != null) {
            context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME,
                    timestamp -> sweep(Instant.ofEpochMilli(timestamp)));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        byte[] value = record.value();
        if (value == null) {
            return;
        }
        String key = record.key();
        if (SubjectAuditKeys.isEventKey(key) && WireFormat.isFramed(value)) {
            store.put(key, value);
            return;
        }
        AuditEvent event;
        try {
            event = decoder.deserialize(topic, value);
        } catch (SerializationException e) {
            String at = context.recordMetadata().map(m -> m.partition() + "/" + m.offset()).orElse("?");
            LOG.warn("The audit record at partition/offset {} of {} is not an audit event: left out of the proof store"
                    + " ({})", at, topic, e.getMessage());
            return;
        }
        String subjectId = event.getSubjectId() != null
                ? event.getSubjectId()
                : key == null ? null : SubjectAuditKeys.subjectOf(key);
        if (subjectId == null || subjectId.isEmpty()) {
            return;
        }
        store.put(SubjectAuditKeys.key(subjectId, event.getRecordedAt(), event.getEventId().toString()), value);
    }

    /** Drops events recorded before {@code now - retention}, looking at a bounded batch of keys from a cursor. */
    void sweep(Instant now) {
        Instant oldest = now.minus(retention);
        int looked = 0;
        int dropped = 0;
        String last = null;
        try (KeyValueIterator<String, byte[]> it = sweepCursor == null
                ? store.all()
                : store.range(sweepCursor, null)) {
            while (it.hasNext() && looked < sweepBatch) {
                KeyValue<String, byte[]> entry = it.next();
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
