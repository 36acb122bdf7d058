package dev.consentrelay.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.schema.VendorRecord;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * The topics the consent topology reads and writes, each with its serdes (string keys, Avro values against the
 * registry), built once per topology. Tests read and write the same topics through the same serdes.
 *
 * @param names the topic names
 * @param signals consent signals (decoded by the topology itself; the serde writes the signals it derives)
 * @param subjectState the published rows
 * @param vendors vendor definitions
 * @param commandAcks the connectors' acknowledgements
 * @param receipts propagation receipts
 * @param breaches SLA breaches
 * @param audit the audit trail
 * @param commandSerde the serde of every vendor's command topic ({@link #commands})
 */
public record ConsentTopics(TopicNames names, Topic<String, ConsentSignal> signals,
        Topic<String, SubjectConsentState> subjectState, Topic<String, VendorRecord> vendors,
        Topic<String, CommandAck> commandAcks, Topic<String, PropagationReceipt> receipts,
        Topic<String, SlaBreach> breaches, Topic<String, AuditEvent> audit, Serde<PropagationCommand> commandSerde) {

    /** The topics named by {@code names}, with Avro serdes against {@code registry} (no auto-registration). */
    public static ConsentTopics of(TopicNames names, SchemaRegistryClient registry) {
        return new ConsentTopics(names, topic(names.signals(), ConsentSignal.class, registry),
                topic(names.subjectState(), SubjectConsentState.class, registry),
                topic(names.vendors(), VendorRecord.class, registry),
                topic(names.commandAcks(), CommandAck.class, registry),
                topic(names.propagationReceipts(), PropagationReceipt.class, registry),
                topic(names.slaBreaches(), SlaBreach.class, registry),
                topic(names.audit(), AuditEvent.class, registry),
                AvroSerde.forClass(PropagationCommand.class, registry, false));
    }

    /** One vendor's command topic. */
    public Topic<String, PropagationCommand> commands(String vendorId) {
        return new Topic<>(names.commandsTopic(vendorId), Serdes.String(), commandSerde);
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> Topic<String, V> topic(String name,
            Class<V> type, SchemaRegistryClient registry) {
        return new Topic<>(name, Serdes.String(), AvroSerde.forClass(type, registry, false));
    }
}
