package dev.consentrelay.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.testing.ApicurioRegistryExtension;
import dev.consentrelay.testing.ApicurioRegistryExtension.RunningRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client and serdes against a real registry: Apicurio Registry's Confluent-compatible API with the BACKWARD
 * rule. Every test uses its own topic, as the registry is shared by the whole test run.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class SchemaRegistryInteropIT {

    private static final Schema THING_V1 = parse("""
            {"type":"record","name":"Thing","namespace":"it","fields":[{"name":"a","type":"int"}]}""");
    private static final Schema THING_NEW_REQUIRED_FIELD = parse("""
            {"type":"record","name":"Thing","namespace":"it","fields":[{"name":"a","type":"int"},
             {"name":"b","type":"string"}]}""");
    private static final Schema THING_CHANGED_TYPE = parse("""
            {"type":"record","name":"Thing","namespace":"it","fields":[{"name":"a","type":"string"}]}""");

    private final String topic = "it.signals." + UUID.randomUUID();
    private SchemaRegistryConfig config;
    private HttpSchemaRegistryClient client;
    private AvroSerde<ConsentSignal> serde;

    @BeforeEach
    void connect(RunningRegistry registry) {
        config = SchemaRegistryConfig.of(registry.ccompatUrl()).withRetries(2, Duration.ofMillis(100));
        client = new HttpSchemaRegistryClient(config);
        serde = AvroSerde.forClass(ConsentSignal.class, client, false);
    }

    @AfterEach
    void close() {
        serde.close();
        client.close();
    }

    @Test
    void shouldWriteWireFormatWhoseIdResolvesToTheSameSchema() throws IOException {
        ConsentSignal signal = SampleRecords.signal();

        byte[] bytes = serde.serializer().serialize(topic, signal);

        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        ConsentSignal byHand = new SpecificDatumReader<>(ConsentSignal.class).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(byHand).isEqualTo(signal);
        try (HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(config)) {
            Schema stored = fresh.schemaById(id);
            assertThat(SchemaNormalization.toParsingForm(stored))
                    .isEqualTo(SchemaNormalization.toParsingForm(ConsentSignal.getClassSchema()));
            assertThat(stored).isEqualTo(ConsentSignal.getClassSchema());
            assertThat(fresh.idFor(topic + "-value", ConsentSignal.getClassSchema())).isEqualTo(id);
        }
        assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(signal);
    }

    @Test
    void shouldRoundTripEveryRecordType() {
        for (SpecificRecord record : SampleRecords.all()) {
            assertThat(roundTrip(record)).as(record.getSchema().getName()).isEqualTo(record);
        }
    }

    @Test
    void shouldGiveTheSameIdWhenTheSameSchemaIsRegisteredTwice() {
        String subject = topic + "-value";
        int first = client.register(subject, ConsentSignal.getClassSchema());

        try (HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(config)) {
            assertThat(fresh.register(subject, ConsentSignal.getClassSchema())).isEqualTo(first);
            assertThat(fresh.register(subject, parse(ConsentSignal.getClassSchema().toString(true))))
                    .as("same schema, pretty-printed").isEqualTo(first);
        }
    }

    @Test
    void shouldRefuseNewRequiredFieldWith409() {
        String subject = topic + "-value";
        client.register(subject, THING_V1);

        assertThat(client.isCompatible(subject, THING_NEW_REQUIRED_FIELD)).isFalse();
        assertThatThrownBy(() -> client.register(subject, THING_NEW_REQUIRED_FIELD))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.registryMessage()).isNotBlank();
                }).hasMessageStartingWith("Schema for subject '" + subject
                        + "' is incompatible with the latest registered version: ");
    }

    @Test
    void shouldRefuseChangedFieldTypeWith409() {
        String subject = topic + "-value";
        client.register(subject, THING_V1);

        assertThatThrownBy(() -> client.register(subject, THING_CHANGED_TYPE))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(409))
                .hasMessageContaining("is incompatible with the latest registered version");
    }

    @Test
    void shouldReadRecordFromNewerProducerIntoCurrentClass() throws IOException {
        serde.serializer().serialize(topic, SampleRecords.signal()); // v1 registered first, as in production
        Schema v2 = SampleRecords.consentSignalV2();
        assertThat(client.isCompatible(topic + "-value", v2)).isTrue();
        int v2Id = client.register(topic + "-value", v2);

        ConsentSignal read = serde.deserializer().deserialize(topic,
                SampleRecords.frame(v2Id, v2, SampleRecords.v2Signal(v2)));

        assertThat(read).isEqualTo(SampleRecords.signal());
    }

    @Test
    void shouldReadRecordFromCurrentProducerWithNewerReader() throws IOException {
        byte[] bytes = serde.serializer().serialize(topic, SampleRecords.signal());
        Schema v2 = SampleRecords.consentSignalV2();

        Schema writer;
        try (HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(config)) {
            writer = fresh.schemaById(ByteBuffer.wrap(bytes, 1, 4).getInt());
        }
        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, v2).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(read.get("consentString")).isNull();
        assertThat(read.get("signalId")).hasToString(SampleRecords.SIGNAL_ID.toString());
        assertThat(read.get("subjectId")).hasToString("subj-1");
    }

    @Test
    void shouldReportUnknownSchemaIdClearly() {
        byte[] bytes = serde.serializer().serialize(topic, SampleRecords.signal());
        ByteBuffer.wrap(bytes, 1, 4).putInt(987_654);

        assertThatThrownBy(() -> serde.deserializer().deserialize(topic, bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("schema id 987654")
                .hasMessageContaining("topic " + topic)
                .hasMessageContaining("Schema id 987654 is not registered in the schema registry at "
                        + config.url())
                .cause().isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                });
    }

    @Test
    void shouldLookUpWithoutRegisteringWhenAutoRegisterIsOff() {
        AvroSerializer<ConsentSignal> lookupOnly = new AvroSerializer<>(client, false, false);

        assertThatThrownBy(() -> lookupOnly.serialize(topic, SampleRecords.signal()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Subject '" + topic + "-value' is not registered");

        int id = client.register(topic + "-value", ConsentSignal.getClassSchema());
        assertThat(ByteBuffer.wrap(lookupOnly.serialize(topic, SampleRecords.signal()), 1, 4).getInt())
                .isEqualTo(id);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T extends SpecificRecord> T roundTrip(T record) {
        AvroSerde<T> typed = AvroSerde.forClass((Class) record.getClass(), client, false);
        String recordTopic = topic + "." + record.getSchema().getName();
        return typed.deserializer().deserialize(recordTopic, typed.serializer().serialize(recordTopic, record));
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
