package dev.consentrelay.avro;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A record of the acks topic carries its own acknowledgement and those it lists, in that order. */
class AckRecordsTest {

    @Test
    void shouldCarrySeveralAcknowledgementsThroughTheWireAndGiveThemBackInOrder() {
        CommandAck adnet = ack("adnet", AckStatus.APPLIED);
        CommandAck mailer = ack("mailer", AckStatus.NOT_FOUND);
        CommandAck crm = ack("crm", AckStatus.REJECTED);
        AvroSerde<CommandAck> serde = AvroSerde.forClass(CommandAck.class,
                new InMemorySchemaRegistryClient("mem://ack-records-test"), false);

        byte[] bytes = serde.serializer().serialize("consent.command-acks.v1", AckRecords.of(List.of(adnet, mailer,
                crm)));
        List<CommandAck> each = AckRecords.each(serde.deserializer().deserialize("consent.command-acks.v1", bytes));

        assertThat(each).containsExactly(adnet, mailer, crm);
        assertThat(each).allSatisfy(ack -> assertThat(ack.getOthers()).isEmpty());
    }

    @Test
    void shouldGiveARecordOfAnEarlierReleaseAsItsOwnAcknowledgement() {
        CommandAck single = ack("adnet", AckStatus.APPLIED);

        assertThat(AckRecords.of(List.of(single))).isSameAs(single);
        assertThat(AckRecords.each(single)).containsExactly(single);
    }

    @Test
    void shouldTakeWhatAListedAcknowledgementListsAfterIt() {
        CommandAck inner = AckRecords.of(List.of(ack("b", AckStatus.APPLIED), ack("c", AckStatus.APPLIED)));

        List<CommandAck> each = AckRecords.each(AckRecords.of(List.of(ack("a", AckStatus.APPLIED), inner,
                ack("d", AckStatus.APPLIED))));

        assertThat(each).extracting(CommandAck::getVendorId).containsExactly("a", "b", "c", "d");
    }

    @Test
    void shouldRefuseARecordWithoutAcknowledgements() {
        assertThatThrownBy(() -> AckRecords.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static CommandAck ack(String vendorId, AckStatus status) {
        return CommandAck.newBuilder().setCommandId(UUID.randomUUID()).setVendorId(vendorId).setStatus(status)
                .setAppliedAt(Instant.parse("2026-12-03T09:00:00Z")).setAttempts(1).setSignalId(UUID.randomUUID())
                .build();
    }
}
