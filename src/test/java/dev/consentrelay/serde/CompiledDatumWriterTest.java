package dev.consentrelay.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.CommandAnswer;
import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationAnswers;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.RecentSignal;
import dev.consentrelay.schema.SignalPropagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The planned writer writes exactly the bytes of Avro's own writer: for every record the service writes to a topic or
 * a store, with its optional fields set and with them null, and for every kind of schema Avro has.
 */
class CompiledDatumWriterTest {

    private static final Instant AT = SampleRecords.RECEIVED;

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordWritten")
    void shouldWriteAvrosBytesForEveryRecordTheServiceWrites(String name, SpecificRecord record) throws IOException {
        assertThat(planned(record)).isEqualTo(avro(record.getSchema(), record, data(record)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordWritten")
    void shouldWriteAvrosBytesWithEveryOptionalFieldNull(String name, SpecificRecord record) throws IOException {
        SpecificRecord cleared = data(record).deepCopy(record.getSchema(), record);
        for (Schema.Field field : record.getSchema().getFields()) {
            if (field.schema().isNullable()) {
                cleared.put(field.pos(), null);
            }
        }

        assertThat(planned(cleared)).isEqualTo(avro(cleared.getSchema(), cleared, data(cleared)));
    }

    @Test
    void shouldWriteEveryKindOfSchemaAsAvroDoes() throws IOException {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Everything", "fields": [
                  {"name": "flag", "type": "boolean"}, {"name": "count", "type": "int"},
                  {"name": "total", "type": "long"}, {"name": "ratio", "type": "float"},
                  {"name": "precise", "type": "double"}, {"name": "raw", "type": "bytes"},
                  {"name": "name", "type": "string"}, {"name": "nothing", "type": "null"},
                  {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}},
                  {"name": "colour", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN"]}},
                  {"name": "tags", "type": {"type": "map", "values": "long"}},
                  {"name": "when", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                  {"name": "maybeWhen", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}]},
                  {"name": "ids", "type": {"type": "array", "items": {"type": "string", "logicalType": "uuid"}}},
                  {"name": "either", "type": ["null", "string", "long"]},
                  {"name": "valueFirst", "type": ["string", "null"]},
                  {"name": "next", "type": ["null", "Everything"]}
                ]}""");
        GenericRecord inner = everything(schema, "inner — ünïcode ✓", 7L, null);
        GenericRecord outer = everything(schema, "outer", "either", inner);

        SpecificData specific = new SpecificData();
        specific.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        specific.addLogicalTypeConversion(new Conversions.UUIDConversion());
        assertThat(planned(schema, outer, specific)).isEqualTo(avro(schema, outer, specific));
    }

    @Test
    void shouldNameTheFieldWhoseRequiredValueIsMissing() {
        PropagationCommand command = SampleRecords.command();
        command.setVendorId(null);

        assertThatThrownBy(() -> planned(command)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("in field vendorId of dev.consentrelay.schema.PropagationCommand");
    }

    @Test
    void shouldNameTheFieldWhoseValueHasTheWrongType() {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Counted", "fields": [{"name": "count", "type": "int"}]}""");
        GenericRecord record = new GenericData.Record(schema);
        record.put("count", "seven");

        assertThatThrownBy(() -> planned(schema, record, new SpecificData())).isInstanceOf(ClassCastException.class)
                .hasMessageContaining("in field count of Counted");
    }

    static Stream<Object[]> everyRecordWritten() {
        List<SpecificRecord> records = new ArrayList<>(SampleRecords.all());
        records.addAll(List.of(row(), entry(), answers()));
        return records.stream().map(r -> new Object[]{r.getSchema().getName(), r});
    }

    private static ConsentRow row() {
        return ConsentRow.newBuilder().setState(SampleRecords.state())
                .setRecentSignals(List.of(new RecentSignal(SampleRecords.SIGNAL_ID.toString(), AT),
                        new RecentSignal("a-signal-of-old", AT.minusSeconds(60))))
                .setLinks(List.of("subj-1-account")).setIdsForgotten(false).build();
    }

    private static SignalPropagation entry() {
        PendingCommand command = PendingCommand.newBuilder().setSignalId(SampleRecords.SIGNAL_ID)
                .setCommandId(SampleRecords.COMMAND_ID).setSubjectId("subj-1").setVendorId("adplatform")
                .setAction(CommandAction.DELETE).setSignalReceivedAt(AT).setIssuedAt(AT.plusMillis(3))
                .setDeadline(AT.plusSeconds(60)).setStatus(AckStatus.APPLIED).setAttempts(2)
                .setAppliedAt(AT.plusSeconds(1)).setDetail("deleted").setBreached(false)
                .setUpdatedAt(AT.plusSeconds(1)).build();
        return SignalPropagation.newBuilder().setSubjectId("subj-1").setSignalId(SampleRecords.SIGNAL_ID.toString())
                .setDecision(SampleRecords.audit()).setCommands(List.of(command)).setUpdatedAt(AT).build();
    }

    private static PropagationAnswers answers() {
        CommandAnswer answer = CommandAnswer.newBuilder().setIndex(0).setStatus(AckStatus.NOT_FOUND).setAttempts(1)
                .setAppliedAt(AT.plusSeconds(1)).setDetail("no such user").setBreached(true)
                .setUpdatedAt(AT.plusSeconds(2)).build();
        return PropagationAnswers.newBuilder().setAnswers(List.of(answer)).setUpdatedAt(AT.plusSeconds(2)).build();
    }

    private static GenericRecord everything(Schema schema, String name, Object either, GenericRecord next) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("flag", true);
        record.put("count", -42);
        record.put("total", Long.MIN_VALUE);
        record.put("ratio", 1.5f);
        record.put("precise", Math.PI);
        record.put("raw", ByteBuffer.wrap(new byte[]{1, 2, 3}));
        record.put("name", new Utf8(name));
        record.put("nothing", null);
        record.put("hash", new GenericData.Fixed(schema.getField("hash").schema(), new byte[]{9, 8, 7, 6}));
        record.put("colour", new GenericData.EnumSymbol(schema.getField("colour").schema(), "GREEN"));
        Map<String, Long> tags = new LinkedHashMap<>();
        tags.put("a", 1L);
        tags.put("b", -1L);
        record.put("tags", tags);
        record.put("when", AT);
        record.put("maybeWhen", next == null ? null : AT.plusSeconds(1));
        record.put("ids", List.of(SampleRecords.SIGNAL_ID, UUID.fromString("00000000-0000-4000-8000-000000000001")));
        record.put("either", either);
        record.put("valueFirst", next == null ? null : "set");
        record.put("next", next);
        return record;
    }

    private static SpecificData data(SpecificRecord record) {
        return SpecificData.getForSchema(record.getSchema());
    }

    private static byte[] planned(SpecificRecord record) throws IOException {
        return planned(record.getSchema(), record, data(record));
    }

    private static byte[] planned(Schema schema, Object datum, SpecificData data) throws IOException {
        ArrayBinaryEncoder encoder = new ArrayBinaryEncoder(16);
        encoder.reset(0);
        CompiledDatumWriter.of(schema, data).write(datum, encoder);
        return encoder.toByteArray();
    }

    /** The datum as Avro's own writer and buffered encoder write it. */
    private static byte[] avro(Schema schema, Object datum, SpecificData data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(schema, data).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
