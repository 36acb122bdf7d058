package dev.consentrelay.platform;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import org.apache.avro.Schema;
import org.jboss.logging.Logger;

import dev.consentrelay.config.RegistryConfig;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.schema.VendorRecord;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.serde.WireFormat;

/**
 * Registers the value schema of every topic the service reads or writes when it starts (after the topics exist), so
 * an outside producer or consumer that looks up a subject's latest schema (Confluent clients with
 * {@code use.latest.version}) finds it on a fresh install, before the first record is written. Vendors' command topics
 * are registered as their topics are created ({@link CommandTopicCreator}). With auto-registration switched off the
 * schemas are the operator's to register; then it only checks and warns.
 */
@ApplicationScoped
public class SchemaSetup {

    private static final Logger LOG = Logger.getLogger(SchemaSetup.class);

    private final TopicsConfig topics;
    private final RegistryConfig registryConfig;
    private final SchemaRegistryClient registry;

    @Inject
    public SchemaSetup(TopicsConfig topics, RegistryConfig registryConfig, SchemaRegistryClient registry) {
        this.topics = topics;
        this.registryConfig = registryConfig;
        this.registry = registry;
    }

    void onStart(@Observes @Priority(15) StartupEvent event) {
        Map<String, Schema> subjects = subjects();
        if (!registryConfig.autoRegister()) {
            subjects.forEach(this::checkRegistered);
            return;
        }
        subjects.forEach(registry::register);
        LOG.infof("Schemas registered for %d subjects: %s", subjects.size(), subjects.keySet());
    }

    /** Registers the command schema under a vendor's command topic (auto-registration permitting). */
    public void registerCommandTopic(String topic) {
        String subject = WireFormat.subject(topic, false);
        if (registryConfig.autoRegister()) {
            registry.register(subject, PropagationCommand.getClassSchema());
        } else {
            checkRegistered(subject, PropagationCommand.getClassSchema());
        }
    }

    /** Subject name to value schema, for every topic of the product spec that carries Avro. */
    Map<String, Schema> subjects() {
        Map<String, Schema> subjects = new LinkedHashMap<>();
        subjects.put(WireFormat.subject(topics.signals(), false), ConsentSignal.getClassSchema());
        subjects.put(WireFormat.subject(topics.gpcSignals(), false), ConsentSignal.getClassSchema());
        subjects.put(WireFormat.subject(topics.subjectState(), false), SubjectConsentState.getClassSchema());
        subjects.put(WireFormat.subject(topics.vendors(), false), VendorRecord.getClassSchema());
        subjects.put(WireFormat.subject(topics.commandAcks(), false), CommandAck.getClassSchema());
        subjects.put(WireFormat.subject(topics.propagationReceipts(), false), PropagationReceipt.getClassSchema());
        subjects.put(WireFormat.subject(topics.slaBreaches(), false), SlaBreach.getClassSchema());
        subjects.put(WireFormat.subject(topics.audit(), false), AuditEvent.getClassSchema());
        return subjects;
    }

    private void checkRegistered(String subject, Schema schema) {
        try {
            registry.idFor(subject, schema);
        } catch (RuntimeException e) {
            LOG.warnf("Schema %s is not registered under %s and auto-registration is off "
                    + "(consent-relay.schema-registry.auto-register=false): writes to that topic fail until it is: %s",
                    schema.getFullName(), subject, e.getMessage());
        }
    }
}
