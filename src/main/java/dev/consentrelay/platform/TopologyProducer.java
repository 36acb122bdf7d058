package dev.consentrelay.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import io.quarkus.arc.lookup.LookupUnlessProperty;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.consentrelay.config.ConnectorsConfig;
import dev.consentrelay.config.PrivacyConfig;
import dev.consentrelay.config.ProcessingConfig;
import dev.consentrelay.config.QueryConfig;
import dev.consentrelay.config.ServiceRole;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.connector.ConnectorRuntime;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.topology.ConsentMetrics;
import dev.consentrelay.topology.ConsentTopology;
import dev.consentrelay.topology.OutputLimits;
import dev.consentrelay.topology.QueryStores;
import dev.consentrelay.topology.SubjectAuditTrail;
import dev.consentrelay.topology.TopicNames;
import dev.consentrelay.topology.VendorDirectory;

/** Hands the consent topology to Kafka Streams, built from configuration. */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    private final TopicsConfig topics;
    private final ProcessingConfig processing;
    private final Policy policy;
    private final SchemaRegistryClient registry;
    private final CommandTopicCreator commandTopics;
    private final VendorDirectory vendors;
    private final ConsentMetrics metrics;
    private final QueryConfig query;
    private final TopicSetup topicSetup;
    private final PrivacyConfig privacy;
    /** Whether vendor connectors run in this process, sharing its cores with the stream thread. */
    private final boolean connectorsInProcess;

    @Inject
    public TopologyProducer(Configs configs, Policy policy, SchemaRegistryClient registry,
            CommandTopicCreator commandTopics, VendorDirectory vendors, ConsentMetrics metrics, TopicSetup topicSetup) {
        this.topics = configs.topics;
        this.processing = configs.processing;
        this.policy = policy;
        this.registry = registry;
        this.commandTopics = commandTopics;
        this.vendors = vendors;
        this.metrics = metrics;
        this.query = configs.query;
        this.topicSetup = topicSetup;
        this.privacy = configs.privacy;
        this.connectorsInProcess = ConnectorRuntime.runsHere(ServiceRole.parse(configs.role), configs.connectors);
    }

    /** The configuration mappings the topology is built from, injected as one to keep the constructor short. */
    @Dependent
    static final class Configs {

        private final TopicsConfig topics;
        private final ProcessingConfig processing;
        private final QueryConfig query;
        private final PrivacyConfig privacy;
        private final ConnectorsConfig connectors;
        private final String role;

        @Inject
        Configs(TopicsConfig topics, ProcessingConfig processing, QueryConfig query, PrivacyConfig privacy,
                ConnectorsConfig connectors,
                @ConfigProperty(name = ServiceRole.PROPERTY, defaultValue = "all") String role) {
            this.connectors = connectors;
            this.role = role;
            this.topics = topics;
            this.processing = processing;
            this.query = query;
            this.privacy = privacy;
        }
    }

    @Produces
    @ApplicationScoped
    VendorDirectory vendorDirectory() {
        return new VendorDirectory();
    }

    /** Decodes the proof store's entries, the audit topic's bytes, for the proof report. */
    @Produces
    @ApplicationScoped
    SubjectAuditTrail subjectAuditTrail() {
        return new SubjectAuditTrail(AvroSerde.forClass(AuditEvent.class, registry, false).deserializer(),
                topics.audit());
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
        ConsentTopology.Builder builder = ConsentTopology.builder(names, policy, registry).vendorTopics(commandTopics)
                .metrics(metrics).vendors(vendors).partitions(sharedPartitions(names)).outputLimits(outputLimits(names))
                .hasher(IdentifierKey.fromKey(privacy.identifierKey().orElse(null)))
                .erasureHorizon(privacy.erasureHorizon()).queryStores(new QueryStores(
                        query.auditRetention().orElse(null), query.backfillInterval(), query.backfillBatch()));
        processing.dedupWindow().ifPresent(builder::dedupWindow);
        processing.expiryInterval().ifPresent(builder::expiryInterval);
        processing.slaCheckInterval().ifPresent(builder::slaCheckInterval);
        processing.receiptRetention().ifPresent(builder::receiptRetention);
        builder.commitPace(processing.commitPace().orElse(ConsentTopology.defaultCommitPace(connectorsInProcess)));
        Topology topology = builder.build();
        LOG.debugf("Consent topology:%n%s", topology.describe());
        return topology;
    }

    /**
     * The partition count of the topics one subject's task reads: the signal topics and the acknowledgements. They
     * must agree, or a subject's signals and its commands' acknowledgements would reach different tasks; the
     * service refuses to start, naming each topic and its count, rather than track acknowledgements it cannot match.
     */
    int sharedPartitions(TopicNames names) {
        List<String> shared = List.of(names.signals(), names.gpcSignals(), names.commandAcks());
        Map<String, TopicDescription> described;
        try (Admin admin = Admin.create(topicSetup.adminConfig())) {
            described = admin.describeTopics(shared).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the partition counts of " + shared, e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the partition counts of " + shared + ": " + e, e);
        }
        return CoPartitioning.check(shared.stream()
                .collect(java.util.stream.Collectors.toMap(t -> t, t -> described.get(t).partitions().size(),
                        (a, b) -> a, java.util.LinkedHashMap::new)));
    }

    /**
     * The {@code max.message.bytes} of the output topics as the cluster has them, and the broker's
     * {@code message.max.bytes} for the command topics created later. Kafka's defaults if they cannot be read.
     */
    OutputLimits outputLimits(TopicNames names) {
        List<String> outputs = List.of(names.subjectState(), names.audit(), names.deadLetters());
        try (Admin admin = Admin.create(topicSetup.adminConfig())) {
            Map<String, Integer> byTopic = new HashMap<>();
            List<ConfigResource> resources = new ArrayList<>();
            outputs.forEach(topic -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic)));
            Node node = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            resources.add(broker);
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            for (String topic : outputs) {
                ConfigEntry entry = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
                        .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null) {
                    byTopic.put(topic, Integer.parseInt(entry.value()));
                }
            }
            ConfigEntry brokerMax = configs.get(broker).get("message.max.bytes");
            int others = brokerMax == null || brokerMax.value() == null
                    ? OutputLimits.KAFKA_DEFAULT
                    : Integer.parseInt(brokerMax.value());
            OutputLimits limits = new OutputLimits(byTopic, others);
            LOG.debugf("Output record limits: %s", limits);
            return limits;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the output topics' settings", e);
        } catch (Exception e) {
            LOG.warnf("Cannot read max.message.bytes of the output topics (%s); assuming Kafka's defaults",
                    e.toString());
            return OutputLimits.defaults();
        }
    }

    /** Topic names for the topology, from configuration. */
    public static TopicNames topicNames(TopicsConfig topics) {
        return new TopicNames(topics.signals(), topics.gpcSignals(), topics.subjectState(), topics.vendors(),
                topics.commandsPattern(), topics.audit(), topics.deadLetters(), topics.commandAcks(),
                topics.propagationReceipts(), topics.slaBreaches());
    }
}
