package dev.consentrelay.topology;

import org.apache.kafka.common.header.Headers;

import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.schema.SubjectConsentState;

/** What a processor emits; the topology routes each kind to its topic. */
public sealed interface Outbound {

    /**
     * A decoded, valid signal on its way to the consent table.
     *
     * @param placed whether the record already sits in its subject's partition, keyed by its subject id: it then
     *            needs no repartition
     */
    record Accepted(ConsentSignal signal, boolean placed) implements Outbound {
    }

    /**
     * A signal for a linked subject, keyed by that subject and written to the signal topic, so it reaches the
     * linked subject's task: a refusal that crosses a link, or the other side of a new link.
     */
    record Linked(ConsentSignal signal) implements Outbound {
    }

    /**
     * A new row of the consent table, published to the subject-state topic.
     *
     * @param encoded the row as it will be written, when the output check already serialized it; else {@code null}
     */
    record StateChange(SubjectConsentState state, byte[] encoded) implements Outbound, Encodable {
        public StateChange(SubjectConsentState state) {
            this(state, null);
        }
    }

    /**
     * A command for one vendor, published to that vendor's topic.
     *
     * @param encoded the command as it will be written, when the output check already serialized it; else
     *            {@code null}
     */
    record CommandIssued(PropagationCommand command, byte[] encoded) implements Outbound, Encodable {
        public CommandIssued(PropagationCommand command) {
            this(command, null);
        }
    }

    /**
     * A signal's propagation entry, opened by its decision (or an expiry or backfill) and handed to propagation
     * tracking in the same task, so it is stored in the transaction that writes the commands.
     *
     * @param mayBeTracked whether the subject may already track the signal id (a redelivery past the row's memory, a
     *            backfill or expiry run again): tracking then keeps the first entry; when {@code false} the subject's
     *            row proves the id new and tracking opens the entry without looking for one
     */
    record Opened(SignalPropagation entry, boolean mayBeTracked) implements Outbound {
    }

    /** A vendor connector's acknowledgement on its way to propagation tracking, keyed by subject id. */
    record AckReceived(CommandAck ack) implements Outbound {
    }

    /** Every vendor answered one signal's commands: published to the receipts topic. */
    record Receipt(PropagationReceipt receipt) implements Outbound {
    }

    /** A command passed its deadline unanswered: published to the SLA breaches topic. */
    record Breach(SlaBreach breach) implements Outbound {
    }

    /**
     * An entry of the audit trail.
     *
     * @param encoded the event as it will be written, when the output check already serialized it; else {@code null}
     */
    record Audit(AuditEvent event, byte[] encoded) implements Outbound, Encodable {
        public Audit(AuditEvent event) {
            this(event, null);
        }
    }

    /**
     * An output that may carry its serialized value: the output check serializes a decision's outputs to measure
     * them, and the sink then writes those bytes instead of serializing the same record again.
     */
    interface Encodable {
        /** The serialized value, or {@code null} when the sink has to serialize it. */
        byte[] encoded();
    }

    /** A record that could not be processed: the original bytes and the reason in headers. */
    record DeadLetter(byte[] key, byte[] value, Headers headers) implements Outbound {
    }
}
