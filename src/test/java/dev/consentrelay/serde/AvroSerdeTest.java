package dev.consentrelay.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.consentrelay.schema.ConsentSignal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeTest {

    private static final String TOPIC = "consent.signals.v1";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("mem://serde-test");
    private final AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
    private final Map<Class<?>, AvroSerde<?>> serdes = new ConcurrentHashMap<>();

    @AfterEach
    void closeSerde() {
        serde.close();
    }

    @Test
    void shouldWriteMagicByteThenBigEndianSchemaIdThenAvroBinary() throws IOException {
        ConsentSignal signal = SampleRecords.signal();

        byte[] bytes = serde.serializer().serialize(TOPIC, signal);

        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(id).isEqualTo(registry.idFor(TOPIC + "-value", ConsentSignal.getClassSchema()));
        assertThat(registry.schemaById(id)).isEqualTo(ConsentSignal.getClassSchema());
        SpecificDatumReader<ConsentSignal> reader = new SpecificDatumReader<>(ConsentSignal.class);
        ConsentSignal decoded = reader.read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(decoded).isEqualTo(signal);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(avroBinary(signal));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    void shouldRoundTripEveryRecordType(String name, SpecificRecord record) {
        assertThat(roundTrip(record)).isEqualTo(record);
    }

    static Stream<Object[]> everyRecordType() {
        return SampleRecords.all().stream().map(r -> new Object[]{r.getSchema().getName(), r});
    }

    @Test
    void shouldRefuseARecordClaimingAHugeStringInsteadOfAllocatingIt() throws IOException {
        byte[] valid = serde.serializer().serialize("consent.signals.v1", SampleRecords.signal());
        ByteArrayOutputStream hostile = new ByteArrayOutputStream();
        hostile.write(valid, 0, WireFormat.HEADER_SIZE);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(hostile, null);
        encoder.writeLong(2_000_000_000L); // the first field, a string, claims 2 GB
        encoder.flush();

        assertThatThrownBy(() -> serde.deserializer().deserialize("consent.signals.v1", hostile.toByteArray()))
                .as("a decode error (a dead letter), not an OutOfMemoryError")
                .isInstanceOf(SerializationException.class).hasMessageContaining("2000000000");
    }

    @Test
    void shouldRegisterKeysUnderTheKeySubject() {
        AvroSerializer<ConsentSignal> keys = new AvroSerializer<>(registry, true, true);

        keys.serialize(TOPIC, SampleRecords.signal());

        assertThat(registry.subjects()).containsExactly(TOPIC + "-key");
    }

    @Test
    void shouldMapNullToNullBothWays() {
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void shouldRejectWrongMagicByte() {
        byte[] bytes = serde.serializer().serialize(TOPIC, SampleRecords.signal());
        bytes[0] = 1;

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class).hasMessage("Unknown magic byte 0x01 on topic " + TOPIC
                        + ": the record is not in Confluent Schema Registry wire format");
    }

    @Test
    void shouldNameIdAndTopicWhenSchemaIdIsUnknown() {
        byte[] bytes = serde.serializer().serialize(TOPIC, SampleRecords.signal());
        ByteBuffer.wrap(bytes, 1, 4).putInt(42);

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("schema id 42")
                .hasMessageContaining("topic " + TOPIC)
                .hasMessageContaining("Schema id 42 is not registered in the schema registry at mem://serde-test")
                .cause().isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void shouldRejectPayloadShorterThanTheHeader() {
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[]{0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("3 bytes on topic " + TOPIC)
                .hasMessageContaining("too short for Confluent Schema Registry wire format");
    }

    @Test
    void shouldRejectTruncatedAvroBody() {
        byte[] bytes = serde.serializer().serialize(TOPIC, SampleRecords.signal());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class).hasMessageContaining("topic " + TOPIC)
                .hasMessageContaining("truncated or corrupt");
    }

    @Test
    void shouldReadRecordFromNewerProducerIntoCurrentClass() throws IOException {
        registry.register(TOPIC + "-value", ConsentSignal.getClassSchema());
        Schema v2 = SampleRecords.consentSignalV2();
        int v2Id = registry.register(TOPIC + "-value", v2);
        GenericRecord newer = SampleRecords.v2Signal(v2);

        ConsentSignal read = serde.deserializer().deserialize(TOPIC, SampleRecords.frame(v2Id, v2, newer));

        assertThat(read).isEqualTo(SampleRecords.signal());
    }

    @Test
    void shouldReadRecordFromCurrentProducerWithNewerGenericReader() throws IOException {
        Schema v2 = SampleRecords.consentSignalV2();
        byte[] bytes = serde.serializer().serialize(TOPIC, SampleRecords.signal());
        Schema writer = registry.schemaById(ByteBuffer.wrap(bytes, 1, 4).getInt());

        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, v2).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(read.get("consentString")).isNull();
        assertThat(read.get("subjectId")).hasToString("subj-1");
        assertThat(read.get("signalId")).hasToString(SampleRecords.SIGNAL_ID.toString());
        assertThat(read.get("erase")).isEqualTo(true);
    }

    @Test
    void shouldNameTheRecordAndTopicWhenARequiredFieldIsMissing() {
        ConsentSignal incomplete = SampleRecords.signal();
        incomplete.put("subjectId", null);

        assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Could not serialize a dev.consentrelay.schema.ConsentSignal for topic " + TOPIC)
                .hasMessageContaining("subjectId");
    }

    @Test
    void shouldOnlyLookUpIdWhenAutoRegisterIsOff() {
        AvroSerializer<ConsentSignal> lookupOnly = new AvroSerializer<>(registry, false, false);

        assertThatThrownBy(() -> lookupOnly.serialize(TOPIC, SampleRecords.signal()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("look up")
                .hasRootCauseInstanceOf(SchemaRegistryException.class);
        assertThat(registry.subjects()).isEmpty();

        int id = registry.register(TOPIC + "-value", ConsentSignal.getClassSchema());
        byte[] bytes = lookupOnly.serialize(TOPIC, SampleRecords.signal());
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void shouldBeSafeToShareAcrossThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                tasks.add(() -> {
                    for (int i = 0; i < 200; i++) {
                        SpecificRecord record = SampleRecords.all().get(i % SampleRecords.all().size());
                        if (!roundTrip(record).equals(record)) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T extends SpecificRecord> T roundTrip(T record) {
        AvroSerde<T> typed = (AvroSerde<T>) serdes.computeIfAbsent(record.getClass(),
                c -> AvroSerde.forClass((Class) c, registry, false));
        String topic = "topic." + record.getSchema().getName();
        return typed.deserializer().deserialize(topic, typed.serializer().serialize(topic, record));
    }

    private static byte[] avroBinary(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
