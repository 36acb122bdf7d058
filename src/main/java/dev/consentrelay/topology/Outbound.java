package dev.consentrelay.topology;

import org.apache.kafka.common.header.Headers;

import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationCommand;
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

    /** An entry of the audit trail. */
    record Audit(AuditEvent event) implements Outbound {
    }

    /** A record that could not be processed: the original bytes and the reason in headers. */
    record DeadLetter(byte[] key, byte[] value, Headers headers) implements Outbound {
    }
}
