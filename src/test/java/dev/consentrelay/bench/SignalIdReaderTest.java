package dev.consentrelay.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.serde.AvroSerializer;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;
import dev.consentrelay.serde.SampleRecords;
import dev.consentrelay.serde.WireFormat;

import static org.assertj.core.api.Assertions.assertThat;

class SignalIdReaderTest {

    private static final String TOPIC = "consent.commands.crm.v1";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("mem://signal-id-test");
    private final SignalIdReader reader = new SignalIdReader(registry);

    @Test
    void shouldReadTheSignalIdOfACommandAsTheServiceWritesIt() {
        byte[] bytes = new AvroSerializer<PropagationCommand>(registry, false, true)
                .serialize(TOPIC, SampleRecords.command());

        assertThat(reader.deserialize(TOPIC, bytes)).isEqualTo(SampleRecords.SIGNAL_ID.toString());
        assertThat(reader.deserialize(TOPIC, null)).isNull();
    }

    @Test
    void shouldDecodeWholeACommandWhoseSchemaDoesNotStartWithItsIds() throws IOException {
        Schema reordered = reversed(PropagationCommand.getClassSchema());
        int id = registry.register(TOPIC + "-value", reordered);
        byte[] bytes = SampleRecords.frame(id, reordered, asGeneric(SampleRecords.command(), reordered));

        assertThat(SignalIdReader.leadsWithIds(reordered)).isFalse();
        assertThat(reader.deserialize(TOPIC, bytes)).isEqualTo(SampleRecords.SIGNAL_ID.toString());
    }

    private static Schema reversed(Schema schema) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields().forEach(field -> fields.add(0, new Schema.Field(field, field.schema())));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** The command as another producer would hold it under {@code schema}: its fields in that schema's order. */
    private GenericRecord asGeneric(PropagationCommand command, Schema schema) throws IOException {
        byte[] bytes = new AvroSerializer<PropagationCommand>(registry, false, true).serialize(TOPIC, command);
        return new GenericDatumReader<GenericRecord>(PropagationCommand.getClassSchema(), schema).read(null,
                DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE,
                        bytes.length - WireFormat.HEADER_SIZE, null));
    }
}
