package dev.consentrelay.topology;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.consentrelay.schema.AuditEvent;

/**
 * Reads a subject's trail from {@link StoreNames#SUBJECT_AUDIT}, whose values are the audit topic's bytes: one prefix
 * scan, each event decoded with the audit topic's deserializer (which reads any schema version the topic holds).
 * Entries recorded under the subject's prefix for another subject (a rejection keyed by the raw input key) are left
 * out, and so is an entry that does not decode, with a warning that names neither the subject nor the key.
 */
public final class SubjectAuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger(SubjectAuditTrail.class);

    private final Deserializer<AuditEvent> decoder;
    private final String topic;

    /**
     * @param decoder the audit topic's value deserializer
     * @param topic the audit topic
     */
    public SubjectAuditTrail(Deserializer<AuditEvent> decoder, String topic) {
        this.decoder = decoder;
        this.topic = topic;
    }

    /** The subject's events in the order they were recorded; empty when it has none. */
    public List<AuditEvent> read(ReadOnlyKeyValueStore<String, byte[]> store, String subjectId) {
        List<AuditEvent> trail = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(SubjectAuditKeys.prefix(subjectId),
                new StringSerializer())) {
            it.forEachRemaining(kv -> {
                AuditEvent event = decode(kv.value);
                if (event != null && subjectId.equals(event.getSubjectId())) {
                    trail.add(event);
                }
            });
        }
        return trail;
    }

    private AuditEvent decode(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return decoder.deserialize(topic, value);
        } catch (SerializationException e) {
            LOG.warn("An entry of the proof store does not decode as an audit event and is left out of a proof report:"
                    + " {}", e.getMessage());
            return null;
        }
    }
}
