package dev.consentrelay.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.consentrelay.schema.ConsentSignal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The serializer writes, after the wire-format header, exactly the bytes Avro's own writer does: its optional fields
 * are resolved by nullness instead of by Avro's lookup, which must not change a byte either way.
 */
class AvroSerializerTest {

    private static final String TOPIC = "consent.serializer-test.v1";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("mem://serializer-test");
    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(registry, false, true);

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    void shouldWriteAvrosBytesWithEveryOptionalFieldSet(String name, SpecificRecord record) throws IOException {
        assertThat(body(serializer.serialize(TOPIC + "." + name, record))).isEqualTo(avroBinary(record));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    void shouldWriteAvrosBytesWithEveryOptionalFieldNull(String name, SpecificRecord record) throws IOException {
        SpecificRecord cleared = SpecificData.getForSchema(record.getSchema()).deepCopy(record.getSchema(), record);
        int optional = 0;
        for (Schema.Field field : record.getSchema().getFields()) {
            if (field.schema().isNullable()) {
                cleared.put(field.pos(), null);
                optional++;
            }
        }

        byte[] written = serializer.serialize(TOPIC + "." + name, cleared);

        assertThat(body(written)).isEqualTo(avroBinary(cleared));
        if (optional > 0) {
            assertThat(written).isNotEqualTo(serializer.serialize(TOPIC + "." + name, record));
        }
    }

    @Test
    void shouldRefuseANullRequiredFieldWithTheRecordAndTopicNamed() {
        ConsentSignal signal = SampleRecords.signal();
        signal.setSubjectId(null);

        assertThatThrownBy(() -> serializer.serialize(TOPIC, signal)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("ConsentSignal").hasMessageContaining(TOPIC);
    }

    static Stream<Object[]> everyRecordType() {
        return SampleRecords.all().stream().map(r -> new Object[]{r.getSchema().getName(), r});
    }

    private static byte[] body(byte[] wire) {
        return Arrays.copyOfRange(wire, WireFormat.HEADER_SIZE, wire.length);
    }

    /** The record as Avro's own writer and buffered encoder write it. */
    private static byte[] avroBinary(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema(), SpecificData.getForSchema(record.getSchema()))
                .write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
