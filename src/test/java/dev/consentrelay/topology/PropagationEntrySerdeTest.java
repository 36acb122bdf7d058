package dev.consentrelay.topology;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AuditRecords;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;
import dev.consentrelay.serde.WireFormat;

import static org.assertj.core.api.Assertions.assertThat;

class PropagationEntrySerdeTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final String TOPIC = "consent-relay-signal-propagation-changelog";

    private InMemorySchemaRegistryClient registry;
    private PropagationEntrySerde serde;

    @BeforeEach
    void setUp() {
        registry = new InMemorySchemaRegistryClient("mem://entry-serde-" + UUID.randomUUID());
        serde = PropagationEntrySerde.of(registry);
    }

    @Test
    void shouldStoreTheSubjectAndSignalOnceAndReadEveryCommandWhole() {
        SignalPropagation entry = entry("subject-1", UUID.randomUUID(), "mailer", "ads", "crm", "cdp");
        SignalPropagation asDecided = SignalPropagation.newBuilder(entry).build();

        byte[] stored = serde.serializer().serialize(TOPIC, entry);
        byte[] whole = AvroSerde.forClass(SignalPropagation.class, registry, false).serializer().serialize(TOPIC,
                entry);

        assertThat(serde.deserializer().deserialize(TOPIC, stored)).isEqualTo(asDecided);
        assertThat(entry).as("the entry the ledger holds is not changed by writing it").isEqualTo(asDecided);
        assertThat(whole.length - stored.length).as("the two ids of each of the four commands, ~50 bytes each")
                .isGreaterThanOrEqualTo(4 * 45);
    }

    @Test
    void shouldKeepTheIdsOfACommandThatNamesAnotherSignalOrSubject() {
        SignalPropagation entry = entry("subject-1", UUID.randomUUID(), "mailer");
        PendingCommand other = entry.getCommands().get(0);
        other.setSubjectId("subject-linked");
        other.setSignalId(UUID.randomUUID());
        SignalPropagation asDecided = SignalPropagation.newBuilder(entry).build();

        SignalPropagation read = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, entry));

        assertThat(read).isEqualTo(asDecided);
    }

    @Test
    void shouldReadAnEntryAnEarlierReleaseWroteWithTheIdsInEveryCommand() throws IOException {
        SignalPropagation entry = entry("subject-1", UUID.randomUUID(), "mailer", "ads");
        Schema earlier = earlierSchema();
        int id = registry.register(WireFormat.subject(TOPIC, false), earlier);

        SignalPropagation read = serde.deserializer().deserialize(TOPIC, encode(entry, earlier, id));

        assertThat(read).isEqualTo(entry);
    }

    /** The entry schema before the commands' subject and signal ids became optional. */
    private static Schema earlierSchema() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema = (ObjectNode) json.readTree(SignalPropagation.getClassSchema().toString());
        for (var field : schema.withArray("fields")) {
            if (field.path("name").asText().equals("commands")) {
                ObjectNode command = (ObjectNode) field.path("type").path("items");
                for (var commandField : (ArrayNode) command.path("fields")) {
                    String name = commandField.path("name").asText();
                    if (name.equals("signalId") || name.equals("subjectId")) {
                        ((ObjectNode) commandField).set("type", commandField.path("type").get(1));
                        ((ObjectNode) commandField).remove("default");
                    }
                }
            }
        }
        return new Schema.Parser().parse(schema.toString());
    }

    /** The entry in the wire format, written with {@code schema} as an earlier release would have. */
    private static byte[] encode(SignalPropagation entry, Schema schema, int schemaId) throws IOException {
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(current, null);
        new SpecificDatumWriter<SignalPropagation>(SignalPropagation.getClassSchema(), entry.getSpecificData())
                .write(entry, encoder);
        encoder.flush();
        GenericRecord asEarlier = new GenericDatumReader<GenericRecord>(SignalPropagation.getClassSchema(), schema)
                .read(null, DecoderFactory.get().binaryDecoder(current.toByteArray(), null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(asEarlier, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static SignalPropagation entry(String subjectId, UUID signalId, String... vendors) {
        List<PendingCommand> commands = Arrays.stream(vendors).map(vendor -> AuditRecords.pendingOf(
                PropagationCommand.newBuilder().setCommandId(UUID.randomUUID())
                        .setSignalId(signalId).setSubjectId(subjectId).setVendorId(vendor)
                        .setAction(CommandAction.SUPPRESS).setPurposes(List.of("advertising"))
                        .setIdentifiers(List.of()).setReason("opt_out").setRegion("US-CA")
                        .setPolicyVersion("2026-11-01").setSignalReceivedAt(NOW).setIssuedAt(NOW)
                        .setDeadline(NOW.plusSeconds(3600)).build(),
                NOW)).toList();
        return AuditRecords.propagationOf(subjectId, signalId.toString(), null, commands, NOW);
    }
}
