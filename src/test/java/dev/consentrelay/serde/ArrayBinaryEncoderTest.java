package dev.consentrelay.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.consentrelay.schema.ConsentSignal;

import static org.assertj.core.api.Assertions.assertThat;

/** The array encoder writes exactly Avro's binary encoding, after the bytes it reserves, and reuses its array. */
class ArrayBinaryEncoderTest {

    private static final int RESERVED = WireFormat.HEADER_SIZE;

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    void shouldWriteTheBytesAvrosEncoderWrites(String name, SpecificRecord record) throws IOException {
        ArrayBinaryEncoder encoder = new ArrayBinaryEncoder(16);
        encoder.reset(RESERVED);

        new SpecificDatumWriter<SpecificRecord>(record.getSchema(), SpecificData.getForSchema(record.getSchema()))
                .write(record, encoder);
        byte[] bytes = encoder.toByteArray();

        assertThat(Arrays.copyOfRange(bytes, 0, RESERVED)).containsOnly(0);
        assertThat(Arrays.copyOfRange(bytes, RESERVED, bytes.length)).isEqualTo(avroBinary(record));
    }

    static Stream<Object[]> everyRecordType() {
        return SampleRecords.all().stream().map(r -> new Object[]{r.getSchema().getName(), r});
    }

    @Test
    void shouldEncodeEveryPrimitiveAndNonAsciiStringsAsAvroDoes() throws IOException {
        Schema schema = SchemaBuilder.record("Primitives").fields()
                .requiredBoolean("flag").requiredInt("small").requiredInt("negative").requiredLong("large")
                .requiredFloat("ratio").requiredDouble("precise").requiredString("empty").requiredString("ascii")
                .requiredString("latin1").requiredString("wide").requiredBytes("raw").endRecord();
        GenericRecord record = new GenericData.Record(schema);
        record.put("flag", true);
        record.put("small", 63);
        record.put("negative", Integer.MIN_VALUE);
        record.put("large", Long.MAX_VALUE);
        record.put("ratio", 0.25f);
        record.put("precise", -1e300);
        record.put("empty", "");
        record.put("ascii", "subject-42|2026-12-04T10:15:30Z");
        record.put("latin1", "Zürich");
        record.put("wide", "東京 — opt-out ✓ 🍪");
        record.put("raw", ByteBuffer.wrap(new byte[]{0, -1, 127}));

        assertEncodesAsAvro(schema, record);
    }

    @Test
    void shouldEncodeLongStringsAndStringsWhoseOnlyWideCharacterComesLastAsAvroDoes() throws IOException {
        Schema schema = SchemaBuilder.record("Strings").fields().requiredString("long").requiredString("lastWide")
                .requiredString("longerThanTheArray").endRecord();
        GenericRecord record = new GenericData.Record(schema);
        record.put("long", "a".repeat(200));
        record.put("lastWide", "subject-" + "9".repeat(150) + "é");
        record.put("longerThanTheArray", "x".repeat(70_000));

        assertEncodesAsAvro(schema, record);
    }

    /** The record written by a generic writer into the encoder, after the reserved bytes, is Avro's encoding. */
    private static void assertEncodesAsAvro(Schema schema, GenericRecord record) throws IOException {
        ArrayBinaryEncoder encoder = new ArrayBinaryEncoder(16);
        encoder.reset(RESERVED);

        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);

        byte[] bytes = encoder.toByteArray();
        assertThat(Arrays.copyOfRange(bytes, RESERVED, bytes.length))
                .isEqualTo(avroBinary(new GenericDatumWriter<>(schema), record));
    }

    @Test
    void shouldStartEachRecordAfreshWhenReused() throws IOException {
        ConsentSignal first = SampleRecords.signal();
        ConsentSignal second = ConsentSignal.newBuilder(first).setSubjectId("s").setPurposes(List.of())
                .setIdentifiers(List.of()).setMethod(null).build();
        ArrayBinaryEncoder encoder = new ArrayBinaryEncoder(16);
        SpecificDatumWriter<ConsentSignal> writer = new SpecificDatumWriter<>(ConsentSignal.class);
        encoder.reset(RESERVED);
        writer.write(first, encoder);
        int grown = encoder.capacity();

        encoder.reset(RESERVED);
        writer.write(second, encoder);

        byte[] bytes = encoder.toByteArray();
        assertThat(Arrays.copyOfRange(bytes, RESERVED, bytes.length)).isEqualTo(avroBinary(second));
        assertThat(encoder.capacity()).isEqualTo(grown).isGreaterThan(16);
    }

    private static byte[] avroBinary(SpecificRecord record) throws IOException {
        return avroBinary(new SpecificDatumWriter<>(record.getSchema(), SpecificData.getForSchema(record.getSchema())),
                record);
    }

    /** The record as Avro's own buffered encoder writes it. */
    private static <T> byte[] avroBinary(DatumWriter<T> writer, T record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
