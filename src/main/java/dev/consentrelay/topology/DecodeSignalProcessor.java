package dev.consentrelay.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.consentrelay.avro.AuditRecords;
import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.IdentifierHasher;
import dev.consentrelay.domain.SignalValidator;
import dev.consentrelay.domain.ValidationResult;
import dev.consentrelay.schema.ConsentSignal;

/**
 * Turns the raw bytes of the signal topics into valid signals keyed by subject. Anything that cannot be decoded or
 * is not valid input (unknown purpose, opt-in from a pre-checked box, missing ids...) goes to the dead-letter topic
 * with its original bytes and the reason, and is audited; the pipeline keeps running. Signals published without a
 * receive time get the record's timestamp, so propagation latency is measured from when Kafka had them.
 * <p>
 * A valid signal is marked {@linkplain Outbound.Accepted#placed() placed} when its record is keyed by its subject id
 * and sits in the partition the default partitioner (murmur2 of the key) gives that key: the subject's task already
 * holds it, and it goes straight to the consent table. Any other record (keyed otherwise, hashed by another
 * partitioner, or put in a partition of the producer's choosing) is re-keyed through the {@code signals-by-subject}
 * repartition, so a subject's state never splits across two tasks.
 */
public final class DecodeSignalProcessor implements Processor<byte[], byte[], String, Outbound> {

    private static final Logger LOG = LoggerFactory.getLogger(DecodeSignalProcessor.class);

    private final Deserializer<ConsentSignal> deserializer;
    private final SignalValidator validator;
    private final String policyVersion;
    private final ConsentMetrics metrics;
    private final int partitions;
    private final IdentifierHasher hasher;
    private final CommitPacer pacer;
    private ProcessorContext<String, Outbound> context;

    public DecodeSignalProcessor(Deserializer<ConsentSignal> deserializer, SignalValidator validator,
            String policyVersion, ConsentMetrics metrics) {
        this(deserializer, validator, policyVersion, metrics, 1, IdentifierHasher.random(), CommitPacer.OFF);
    }

    /**
     * @param partitions the partition count shared by the signal topics, the repartition and the acknowledgements
     * @param hasher keyed hash of the identifiers a rejection's audit event keeps
     * @param pacer told of each record, to commit a caught-up service's outputs promptly
     */
    public DecodeSignalProcessor(Deserializer<ConsentSignal> deserializer, SignalValidator validator,
            String policyVersion, ConsentMetrics metrics, int partitions, IdentifierHasher hasher,
            CommitPacer pacer) {
        this.partitions = partitions;
        this.pacer = pacer;
        this.hasher = hasher;
        this.deserializer = deserializer;
        this.validator = validator;
        this.policyVersion = policyVersion;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Outbound> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        pacer.processed(context, record.timestamp());
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        RecordMetadata source = context.recordMetadata().orElse(null);
        String topic = source == null ? "" : source.topic();
        if (record.value() == null) {
            metrics.rejected("empty");
            deadLetter(record, source, "Empty record value: a consent signal was expected", "NullValue", "empty",
                    null, now);
            return;
        }
        ConsentSignal signal;
        try {
            signal = deserializer.deserialize(topic, record.headers(), record.value());
        } catch (RuntimeException e) {
            metrics.rejected("undecodable");
            deadLetter(record, source, "Cannot decode the record as a ConsentSignal: " + e.getMessage(),
                    e.getClass().getName(), "undecodable", null, now);
            return;
        }
        if (signal.getReceivedAt() == null) {
            signal.setReceivedAt(Instant.ofEpochMilli(record.timestamp()));
        }
        ValidationResult validation;
        try {
            validation = validator.validate(AvroMapper.toDomain(signal), now);
        } catch (RuntimeException e) {
            metrics.rejected("invalid");
            deadLetter(record, source, "Invalid consent signal: " + e.getMessage(), e.getClass().getName(),
                    "invalid", signal, now);
            return;
        }
        if (!validation.isValid()) {
            metrics.rejected(reasonOf(validation));
            deadLetter(record, source, "Invalid consent signal: " + validation.summary(), "InvalidSignal",
                    "invalid", signal, now);
            return;
        }
        LOG.debug("Signal {} accepted from {}", signal.getSignalId(), topic);
        context.forward(record.withKey(signal.getSubjectId())
                .withValue(new Outbound.Accepted(signal, placed(record.key(), signal.getSubjectId(), source))));
    }

    /** The field of the first violation (the validator's fields are a fixed set), without an index. */
    static String reasonOf(ValidationResult validation) {
        return validation.violations().isEmpty() ? "invalid" : validation.violations().get(0).baseField();
    }

    /** Whether the record is keyed by the subject id and in the partition the default partitioner gives it. */
    private boolean placed(byte[] key, String subjectId, RecordMetadata source) {
        if (key == null || source == null) {
            return false;
        }
        byte[] subject = subjectId.getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(key, subject) && source.partition() == partitionOf(subject, partitions);
    }

    /** The partition Kafka's default partitioner, and Kafka Streams' repartition, give a serialized key. */
    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String reason, String errorClass,
            String category, ConsentSignal signal, Instant now) {
        LOG.warn("Signal record sent to the dead-letter topic ({}-{}@{}): {}", source == null ? "?" : source.topic(),
                source == null ? -1 : source.partition(), source == null ? -1 : source.offset(), reason);
        metrics.deadLetter(category);
        String key = signal != null && signal.getSubjectId() != null ? signal.getSubjectId() : null;
        Outbound.DeadLetter letter = DeadLetters.of(record.key(), record.value(), record.headers(), source, reason,
                errorClass, now);
        context.forward(new Record<String, Outbound>(key, letter, record.timestamp(), letter.headers()));
        context.forward(new Record<String, Outbound>(key,
                new Outbound.Audit(AuditRecords.rejectionAudit(signal, reason, policyVersion, now, hasher)),
                record.timestamp()));
    }
}
