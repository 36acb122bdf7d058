package dev.consentrelay.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SignalValidator;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;

import static dev.consentrelay.topology.TestSignals.NOW;
import static dev.consentrelay.topology.TestSignals.signal;
import static org.assertj.core.api.Assertions.assertThat;

/** The decoding step alone: what it forwards for good bytes and for every kind of bad input. */
class DecodeSignalProcessorTest {

    private static final String TOPIC = "consent.signals.v1";
    private static final int PARTITION = 3;
    private static final long OFFSET = 42L;
    private static final long RECORD_TIME = NOW.minusSeconds(2).toEpochMilli();

    private MockProcessorContext<String, Outbound> context;
    private DecodeSignalProcessor processor;
    private Serializer<ConsentSignal> serializer;

    @BeforeEach
    void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("decode-test-" + UUID.randomUUID());
        AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
        serializer = serde.serializer();
        processor = new DecodeSignalProcessor(serde.deserializer(), new SignalValidator(Policy.defaults()),
                Policy.DEFAULT_VERSION, ConsentMetrics.NONE);
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        context.setRecordMetadata(TOPIC, PARTITION, OFFSET);
        processor.init(context);
    }

    @Test
    void shouldForwardValidSignalKeyedBySubject() {
        ConsentSignal signal = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising");

        processor.process(raw("producer-key", serializer.serialize(TOPIC, signal)));

        assertThat(context.forwarded()).singleElement().satisfies(forward -> {
            assertThat(forward.record().key()).isEqualTo("user-1");
            assertThat(forward.record().timestamp()).isEqualTo(RECORD_TIME);
            assertThat(forward.record().value()).isInstanceOfSatisfying(Outbound.Accepted.class, accepted -> {
                assertThat(accepted.signal().getSignalId()).isEqualTo(signal.getSignalId());
                assertThat(accepted.signal().getPurposes()).containsExactly("advertising");
            });
        });
    }

    @Test
    void shouldDefaultReceivedAtToTheRecordTimestamp() {
        ConsentSignal signal = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising");

        processor.process(raw("user-1", serializer.serialize(TOPIC, signal)));

        assertThat(accepted().getReceivedAt().toEpochMilli()).isEqualTo(RECORD_TIME);
    }

    @Test
    void shouldKeepReceivedAtSetByTheProducer() {
        ConsentSignal signal = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising");
        signal.setReceivedAt(NOW.minusSeconds(4));

        processor.process(raw("user-1", serializer.serialize(TOPIC, signal)));

        assertThat(accepted().getReceivedAt()).isEqualTo(NOW.minusSeconds(4));
    }

    @Test
    void shouldDeadLetterGarbageBytes() {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);

        processor.process(raw("user-1", garbage));

        Outbound.DeadLetter letter = deadLetterWithOriginal(garbage);
        assertThat(header(letter, DeadLetters.REASON)).contains("magic byte");
        assertThat(header(letter, DeadLetters.ERROR_CLASS))
                .isEqualTo("org.apache.kafka.common.errors.SerializationException");
    }

    @Test
    void shouldDeadLetterWrongMagicByte() {
        byte[] bytes = serializer.serialize(TOPIC,
                signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising"));
        bytes[0] = 1;

        processor.process(raw("user-1", bytes));

        Outbound.DeadLetter letter = deadLetterWithOriginal(bytes);
        assertThat(header(letter, DeadLetters.REASON)).contains("Unknown magic byte 0x01");
    }

    @Test
    void shouldDeadLetterUnknownSchemaId() {
        byte[] bytes = serializer.serialize(TOPIC,
                signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising"));
        ByteBuffer.wrap(bytes).putInt(1, 999_999);

        processor.process(raw("user-1", bytes));

        Outbound.DeadLetter letter = deadLetterWithOriginal(bytes);
        assertThat(header(letter, DeadLetters.REASON)).contains("schema id 999999");
        assertThat(header(letter, DeadLetters.ERROR_CLASS))
                .isEqualTo("org.apache.kafka.common.errors.SerializationException");
    }

    @Test
    void shouldDeadLetterNullValue() {
        processor.process(raw("user-1", null));

        Outbound.DeadLetter letter = deadLetterWithOriginal(null);
        assertThat(header(letter, DeadLetters.REASON)).contains("Empty record value");
        assertThat(header(letter, DeadLetters.ERROR_CLASS)).isEqualTo("NullValue");
    }

    @Test
    void shouldDeadLetterUnknownPurpose() {
        byte[] bytes = serializer.serialize(TOPIC,
                signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "no_such_purpose"));

        processor.process(raw("user-1", bytes));

        Outbound.DeadLetter letter = deadLetterWithOriginal(bytes);
        assertThat(header(letter, DeadLetters.REASON)).contains("unknown purpose 'no_such_purpose'");
        assertThat(header(letter, DeadLetters.ERROR_CLASS)).isEqualTo("InvalidSignal");
    }

    @Test
    void shouldDeadLetterPreCheckedOptIn() {
        ConsentSignal preChecked = signal(Signal.Kind.OPT_IN, "user-1", "EU", NOW.minusSeconds(5), "analytics");
        preChecked.setMethod("pre_checked_box");
        byte[] bytes = serializer.serialize(TOPIC, preChecked);

        processor.process(raw("user-1", bytes));

        Outbound.DeadLetter letter = deadLetterWithOriginal(bytes);
        assertThat(header(letter, DeadLetters.REASON)).contains("pre_checked_box");
        assertThat(header(letter, DeadLetters.ERROR_CLASS)).isEqualTo("InvalidSignal");
    }

    @Test
    void shouldKeyDeadLetterOfDecodedSignalBySubject() {
        processor.process(raw("producer-key", serializer.serialize(TOPIC,
                signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "no_such_purpose"))));

        assertThat(context.forwarded()).extracting(forward -> (String) forward.record().key()).containsOnly("user-1");
    }

    @Test
    void shouldAuditEveryRejectionAsRejected() {
        ConsentSignal invalid = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5),
                "no_such_purpose");

        processor.process(raw("user-1", serializer.serialize(TOPIC, invalid)));

        AuditEvent audit = rejectionAudit();
        assertThat(audit.getSubjectId()).isEqualTo("user-1");
        assertThat(audit.getSignalId()).isEqualTo(invalid.getSignalId());
        assertThat(audit.getReason()).contains("no_such_purpose");
        assertThat(audit.getPolicyVersion()).isEqualTo(Policy.DEFAULT_VERSION);
        assertThat(audit.getRecordedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldAuditUndecodableRecordWithoutSubject() {
        processor.process(raw("user-1", "garbage".getBytes(StandardCharsets.UTF_8)));

        AuditEvent audit = rejectionAudit();
        assertThat(audit.getSubjectId()).isNull();
        assertThat(audit.getSignalId()).isNull();
        assertThat(audit.getReason()).contains("Cannot decode");
    }

    @Test
    void shouldKeepTheProducersHeadersOnTheDeadLetter() {
        Record<byte[], byte[]> record = raw("user-1", "garbage".getBytes(StandardCharsets.UTF_8));
        record.headers().add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));

        processor.process(record);

        Outbound.DeadLetter letter = deadLetterWithOriginal("garbage".getBytes(StandardCharsets.UTF_8));
        assertThat(header(letter, "traceparent")).isEqualTo("00-abc-def-01");
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static Record<byte[], byte[]> raw(String key, byte[] value) {
        return new Record<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, RECORD_TIME,
                new RecordHeaders());
    }

    private ConsentSignal accepted() {
        assertThat(context.forwarded()).hasSize(1);
        Outbound value = context.forwarded().get(0).record().value();
        assertThat(value).isInstanceOf(Outbound.Accepted.class);
        return ((Outbound.Accepted) value).signal();
    }

    /**
     * Asserts that exactly one dead letter and one audit were forwarded, the dead letter carrying the original bytes
     * and where they were read from, and returns it.
     */
    private Outbound.DeadLetter deadLetterWithOriginal(byte[] original) {
        List<? extends CapturedForward<? extends String, ? extends Outbound>> forwarded = context.forwarded();
        assertThat(forwarded).hasSize(2);
        assertThat(forwarded).filteredOn(f -> f.record().value() instanceof Outbound.Accepted).isEmpty();
        assertThat(forwarded).filteredOn(f -> f.record().value() instanceof Outbound.Audit).hasSize(1);
        List<Outbound.DeadLetter> letters = forwarded.stream()
                .map(f -> f.record().value())
                .filter(Outbound.DeadLetter.class::isInstance)
                .map(Outbound.DeadLetter.class::cast)
                .toList();
        assertThat(letters).hasSize(1);
        Outbound.DeadLetter letter = letters.get(0);
        assertThat(letter.value()).isEqualTo(original);
        assertThat(letter.key()).isEqualTo("user-1".getBytes(StandardCharsets.UTF_8));
        assertThat(header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo(TOPIC);
        assertThat(header(letter, DeadLetters.SOURCE_PARTITION)).isEqualTo(String.valueOf(PARTITION));
        assertThat(header(letter, DeadLetters.SOURCE_OFFSET)).isEqualTo(String.valueOf(OFFSET));
        assertThat(header(letter, DeadLetters.FAILED_AT)).isEqualTo(NOW.toString());
        assertThat(header(letter, DeadLetters.REASON)).isNotBlank();
        return letter;
    }

    private AuditEvent rejectionAudit() {
        List<AuditEvent> audits = context.forwarded().stream()
                .map(f -> f.record().value())
                .filter(Outbound.Audit.class::isInstance)
                .map(v -> ((Outbound.Audit) v).event())
                .toList();
        assertThat(audits).singleElement()
                .satisfies(a -> assertThat(a.getOutcome()).isEqualTo(DecisionOutcome.REJECTED));
        return audits.get(0);
    }

    private static String header(Outbound.DeadLetter letter, String key) {
        return DeadLetters.header(letter.headers(), key);
    }
}
