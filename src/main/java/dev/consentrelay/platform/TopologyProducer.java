package dev.consentrelay.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import io.quarkus.arc.lookup.LookupUnlessProperty;
import org.apache.kafka.streams.Topology;
import org.jboss.logging.Logger;

import dev.consentrelay.config.ProcessingConfig;
import dev.consentrelay.config.QueryConfig;
import dev.consentrelay.config.ServiceRole;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.topology.ConsentMetrics;
import dev.consentrelay.topology.ConsentTopology;
import dev.consentrelay.topology.QueryStores;
import dev.consentrelay.topology.TopicNames;
import dev.consentrelay.topology.VendorDirectory;

/** Hands the consent topology to Kafka Streams, built from configuration. */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    @Inject
    TopicsConfig topics;

    @Inject
    ProcessingConfig processing;

    @Inject
    Policy policy;

    @Inject
    SchemaRegistryClient registry;

    @Inject
    CommandTopicCreator commandTopics;

    @Inject
    VendorDirectory vendors;

    @Inject
    ConsentMetrics metrics;

    @Inject
    QueryConfig query;

    @Produces
    @ApplicationScoped
    VendorDirectory vendorDirectory() {
        return new VendorDirectory();
    }

    /**
     * The topology, unless {@code consent-relay.role=connector}: Quarkus starts Kafka Streams only when a
     * {@link Topology} resolves, and lookup conditions apply to that resolution at run time, so a connector-only
     * deployment of the same artifact runs no stream processing.
     */
    @Produces
    @LookupUnlessProperty(name = ServiceRole.PROPERTY, stringValue = "connector", lookupIfMissing = true)
    Topology topology() {
        TopicNames names = topicNames(topics);
        Topology topology = ConsentTopology.build(new ConsentTopology.Settings(names, policy, registry,
                processing.dedupWindow(), processing.expiryInterval(), commandTopics, metrics, vendors,
                processing.slaCheckInterval(), processing.receiptRetention(), processing.earlyAckGrace()),
                new QueryStores(query.auditRetention().orElse(null), query.backfillInterval(),
                        query.backfillBatch()));
        LOG.debugf("Consent topology:%n%s", topology.describe());
        return topology;
    }

    /** Topic names for the topology, from configuration. */
    public static TopicNames topicNames(TopicsConfig topics) {
        return new TopicNames(topics.signals(), topics.gpcSignals(), topics.subjectState(), topics.vendors(),
                topics.commandsPattern(), topics.audit(), topics.deadLetters(), topics.commandAcks(),
                topics.propagationReceipts(), topics.slaBreaches());
    }
}
