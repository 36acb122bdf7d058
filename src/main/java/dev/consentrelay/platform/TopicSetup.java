package dev.consentrelay.platform;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.TopicConfig;

import dev.consentrelay.config.PrivacyConfig;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.platform.TopicProvisioner.TopicSpec;

/**
 * Creates (or checks) every topic of the product spec at start-up, before Kafka Streams starts reading them.
 * Per-vendor command topics are created by the topology when a vendor appears.
 */
@ApplicationScoped
public class TopicSetup {

    private final TopicsConfig topics;
    private final PrivacyConfig privacy;
    private final Map<String, Object> kafkaConfig;

    @Inject
    public TopicSetup(TopicsConfig topics, PrivacyConfig privacy,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.topics = topics;
        this.privacy = privacy;
        this.kafkaConfig = kafkaConfig;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        try (Admin admin = Admin.create(adminConfig())) {
            new TopicProvisioner(admin, topics.create()).ensure(specs());
        }
    }

    /** Admin client settings: every {@code kafka.*} property (bootstrap servers, security) of the application. */
    public Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "consent-relay-topic-setup");
        return config;
    }

    /** The topics of the product spec with their settings. */
    public List<TopicSpec> specs() {
        Map<String, String> stream = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        Map<String, String> table = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        // The published rows carry identifiers: an overwritten (e.g. erased) row is compacted away within the horizon.
        Map<String, String> rows = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, String.valueOf(privacy.erasureHorizon().toMillis()));
        Map<String, String> deadLetters = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.RETENTION_MS_CONFIG,
                String.valueOf(privacy.deadLetterRetention().toMillis()));
        Map<String, String> audit = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(topics.auditRetentionMs()));
        int partitions = topics.partitions();
        var replication = topics.replicationFactor();
        return List.of(
                new TopicSpec(topics.signals(), partitions, replication, stream),
                new TopicSpec(topics.gpcSignals(), partitions, replication, stream),
                new TopicSpec(topics.subjectState(), partitions, replication, rows),
                new TopicSpec(topics.vendors(), 1, replication, table),
                new TopicSpec(topics.commandAcks(), partitions, replication, stream),
                new TopicSpec(topics.propagationReceipts(), partitions, replication, stream),
                new TopicSpec(topics.slaBreaches(), partitions, replication, stream),
                new TopicSpec(topics.audit(), partitions, replication, audit),
                new TopicSpec(topics.deadLetters(), partitions, replication, deadLetters));
    }

    /** Names of the topics in {@link #specs()}. */
    public Set<String> names() {
        return Set.copyOf(specs().stream().map(TopicSpec::name).toList());
    }
}
