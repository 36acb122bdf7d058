package dev.consentrelay.platform;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import org.jboss.logging.Logger;

import dev.consentrelay.config.PrivacyConfig;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.platform.TopicProvisioner.TopicSpec;
import dev.consentrelay.topology.VendorTopicListener;

/**
 * Creates a vendor's command topic, {@code consent.commands.<vendorId>.v1}, the first time the vendor is seen, so its
 * connector can be given read access to that topic alone and the first command never waits for it.
 */
@ApplicationScoped
public class CommandTopicCreator implements VendorTopicListener {

    private static final Logger LOG = Logger.getLogger(CommandTopicCreator.class);

    private final TopicsConfig topics;
    private final PrivacyConfig privacy;
    private final TopicSetup topicSetup;
    private final MicrometerConsentMetrics metrics;
    private final SchemaSetup schemas;

    private final Set<String> ensured = ConcurrentHashMap.newKeySet();
    private Admin admin;

    @Inject
    public CommandTopicCreator(TopicsConfig topics, PrivacyConfig privacy, TopicSetup topicSetup,
            MicrometerConsentMetrics metrics, SchemaSetup schemas) {
        this.topics = topics;
        this.privacy = privacy;
        this.topicSetup = topicSetup;
        this.metrics = metrics;
        this.schemas = schemas;
    }

    @Override
    public void vendorSeen(Vendor vendor) {
        metrics.vendorKnown(vendor.vendorId());
        String topic = topics.commandsTopic(vendor.vendorId());
        if (ensured.contains(topic)) {
            return;
        }
        try {
            new TopicProvisioner(admin(), topics.create()).ensure(List.of(new TopicSpec(topic, topics.partitions(),
                    topics.replicationFactor(),
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                            // Commands carry raw identifiers to the connector: kept no longer than configured.
                            TopicConfig.RETENTION_MS_CONFIG, String.valueOf(privacy.commandRetention().toMillis())))));
            schemas.registerCommandTopic(topic);
            ensured.add(topic);
        } catch (RuntimeException e) {
            // Commands to this vendor fail until the topic exists; say so loudly, keep serving other vendors.
            LOG.errorf("Command topic %s for vendor %s is missing and could not be created: %s", topic,
                    vendor.vendorId(), e.getMessage());
        }
    }

    /** Whether the command topic of every vendor seen so far exists (was found or created). */
    public boolean allEnsured(Collection<String> vendorIds) {
        return vendorIds.stream().map(topics::commandsTopic).allMatch(ensured::contains);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(topicSetup.adminConfig());
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
