package dev.consentrelay.topology;

import org.apache.kafka.common.header.Headers;

import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.schema.SubjectConsentState;

/** What a processor emits; the topology routes each kind to its topic. */
public sealed interface Outbound {

    /** A decoded, valid signal on its way to the consent table. */
    record Accepted(ConsentSignal signal) implements Outbound {
    }

    /** A new row of the consent table, published to the subject-state topic. */
    record StateChange(SubjectConsentState state) implements Outbound {
    }

    /** A command for one vendor, published to that vendor's topic. */
    record CommandIssued(PropagationCommand command) implements Outbound {
    }

    /** A command on its way to propagation tracking, keyed by its signal id. */
    record CommandTracked(PropagationCommand command) implements Outbound {
    }

    /** The decision on a signal (its audit event) on its way to propagation tracking, keyed by signal id. */
    record DecisionTracked(AuditEvent decision) implements Outbound {
    }

    /** A vendor connector's acknowledgement on its way to propagation tracking, keyed by signal id. */
    record AckReceived(CommandAck ack) implements Outbound {
    }

    /** Every vendor answered one signal's commands: published to the receipts topic. */
    record Receipt(PropagationReceipt receipt) implements Outbound {
    }

    /** A command passed its deadline unanswered: published to the SLA breaches topic. */
    record Breach(SlaBreach breach) implements Outbound {
    }

    /** An entry of the audit trail. */
    record Audit(AuditEvent event) implements Outbound {
    }

    /** A record that could not be processed: the original bytes and the reason in headers. */
    record DeadLetter(byte[] key, byte[] value, Headers headers) implements Outbound {
    }
}
