package dev.consentrelay.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.serde.WireFormat;

/**
 * A producer built against version 2 of the signal schema ({@code schemas/ConsentSignal-v2.avsc}: a new optional
 * {@code consentString}), writing with a {@link GenericDatumWriter} and registering the schema under the signals
 * topic's subject through the project's registry client, as an upgraded platform would.
 */
final class SignalV2Writer {

    private final Schema schema;
    private final int schemaId;
    private final GenericData data = new GenericData();

    SignalV2Writer(SchemaRegistryClient registry, String topic) {
        try (InputStream in = SignalV2Writer.class.getResourceAsStream("/schemas/ConsentSignal-v2.avsc")) {
            this.schema = new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.schemaId = registry.register(WireFormat.subject(topic, false), schema);
        data.addLogicalTypeConversion(new Conversions.UUIDConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    }

    int schemaId() {
        return schemaId;
    }

    byte[] encode(Signal signal, String consentString) {
        ConsentSignal v1 = AvroMapper.toAvro(signal);
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            Schema.Field old = v1.getSchema().getField(field.name());
            if (old != null) {
                Object value = v1.get(old.pos());
                if (value instanceof Enum<?> symbol) {
                    Schema enumSchema = field.schema();
                    value = new GenericData.EnumSymbol(enumSchema, symbol.name());
                }
                record.put(field.name(), value);
            }
        }
        record.put("consentString", consentString);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema, data).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
