package dev.consentrelay.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.RecentSignal;
import dev.consentrelay.schema.SubjectConsentState;

import static org.assertj.core.api.Assertions.assertThat;

/** A consent-table row written by the release that stored the state alone still reads, as a row. */
class UpgradingDeserializerTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("mem://upgrading-test");
    private final UpgradingDeserializer<ConsentRow, SubjectConsentState> rows = new UpgradingDeserializer<>(
            ConsentRow.class, SubjectConsentState.class,
            state -> new ConsentRow(state, new ArrayList<>(), new ArrayList<>(), true), registry);

    @Test
    void readsTheEarlierTypeUpgraded() {
        SubjectConsentState state = SampleRecords.state();
        byte[] written = AvroSerde.forClass(SubjectConsentState.class, registry, false).serializer()
                .serialize("consent-relay-consent-table-changelog", state);

        ConsentRow row = rows.deserialize("consent-relay-consent-table-changelog", written);

        assertThat(row.getState()).isEqualTo(state);
        assertThat(row.getRecentSignals()).isEmpty();
        assertThat(row.getIdsForgotten()).as("its signals' ids are not known").isTrue();
    }

    @Test
    void readsARowOfTheReleaseBeforeTheForgottenIdsFlagAsMayHaveForgotten() throws IOException {
        Schema current = ConsentRow.getClassSchema();
        Schema previous = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false,
                current.getFields().stream().filter(f -> !f.name().equals("idsForgotten"))
                        .map(f -> new Schema.Field(f, f.schema())).toList());
        GenericRecord written = new GenericData.Record(previous);
        written.put("state", null);
        written.put("recentSignals", List.of());
        written.put("links", List.of("subject-2"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, registry.register("consent-relay-consent-table-changelog-value", previous));
        out.write(header);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(previous).write(written, encoder);
        encoder.flush();

        ConsentRow row = rows.deserialize("consent-relay-consent-table-changelog", out.toByteArray());

        assertThat(row.getLinks()).containsExactly("subject-2");
        assertThat(row.getIdsForgotten()).as("an earlier release kept no such record").isTrue();
    }

    @Test
    void readsTheCurrentTypeAsWritten() {
        ConsentRow row = new ConsentRow(SampleRecords.state(),
                List.of(new RecentSignal("3f1c2a4e-8d5b-4c1e-9a7f-2b6d8e0c1a35", SampleRecords.RECEIVED)),
                new ArrayList<>(), false);
        byte[] written = AvroSerde.forClass(ConsentRow.class, registry, false).serializer()
                .serialize("consent-relay-consent-table-changelog", row);

        assertThat(rows.deserialize("consent-relay-consent-table-changelog", written)).isEqualTo(row);
        assertThat(rows.deserialize("consent-relay-consent-table-changelog", null)).isNull();
    }
}
