package dev.consentrelay.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Makes sure the topics the service needs exist with the right settings: compaction where the topic is a table
 * (subject state, vendors), retention of the audit trail, partitions and replication from configuration. Where
 * topics may not be created, it fails fast naming the missing ones; a table topic that exists without compaction
 * is refused, because reading it as a table would be wrong.
 */
public final class TopicProvisioner {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The settings brought to the configured value on topics that already exist. */
    private static final Set<String> ALIGNED = Set.of(TopicConfig.RETENTION_MS_CONFIG,
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);

    private final Admin admin;
    private final boolean create;

    public TopicProvisioner(Admin admin, boolean create) {
        this.admin = admin;
        this.create = create;
    }

    /** A topic the service needs: its name, partitions, replication (empty = broker default) and settings. */
    public record TopicSpec(String name, int partitions, Optional<Short> replicationFactor,
            Map<String, String> configs) {

        public boolean compacted() {
            return TopicConfig.CLEANUP_POLICY_COMPACT.equals(configs.get(TopicConfig.CLEANUP_POLICY_CONFIG));
        }
    }

    /** Ensures every topic exists; returns the names of the topics it created. */
    public Set<String> ensure(Collection<TopicSpec> specs) {
        try {
            Set<String> existing = new TreeSet<>(admin.listTopics().names()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            List<TopicSpec> missing = specs.stream().filter(s -> !existing.contains(s.name())).toList();
            Set<String> created = new TreeSet<>();
            if (!missing.isEmpty()) {
                if (!create) {
                    throw new IllegalStateException("Missing Kafka topics " + names(missing)
                            + " and consent-relay.topics.create=false: create them, or allow the service to.");
                }
                created.addAll(createTopics(missing));
                // A topic the listing missed but the controller already has (created a moment ago, by another
                // instance or an earlier start whose creation the brokers have not all seen yet) is an existing
                // topic: its settings are checked and aligned like any other.
                Set<String> appeared = new TreeSet<>(names(missing));
                appeared.removeAll(created);
                if (!appeared.isEmpty()) {
                    awaitListed(appeared);
                    existing.addAll(appeared);
                }
            }
            verifyCompaction(specs.stream().filter(TopicSpec::compacted).filter(s -> existing.contains(s.name()))
                    .toList());
            alignBounds(specs.stream().filter(s -> existing.contains(s.name())).toList());
            if (!created.isEmpty()) {
                LOG.infof("Created Kafka topics %s", created);
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking Kafka topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot check Kafka topics " + names(specs) + ": " + e.getMessage(), e);
        }
    }

    private Set<String> createTopics(List<TopicSpec> missing)
            throws InterruptedException, TimeoutException, ExecutionException {
        List<NewTopic> topics = new ArrayList<>();
        for (TopicSpec spec : missing) {
            topics.add(new NewTopic(spec.name(), Optional.of(spec.partitions()), spec.replicationFactor())
                    .configs(spec.configs()));
        }
        Set<String> created = new TreeSet<>();
        List<String> refused = new ArrayList<>();
        Map<String, Throwable> failures = new LinkedHashMap<>();
        admin.createTopics(topics).values().forEach((name, future) -> {
            try {
                future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                created.add(name);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return;
                }
                if (e.getCause() instanceof TopicAuthorizationException
                        || e.getCause() instanceof ClusterAuthorizationException) {
                    refused.add(name);
                } else {
                    failures.put(name, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.put(name, e);
            } catch (TimeoutException e) {
                failures.put(name, e);
            }
        });
        if (!refused.isEmpty()) {
            throw new IllegalStateException("Missing Kafka topics " + refused
                    + ", and the service is not allowed to create them: create them or grant CREATE.");
        }
        if (!failures.isEmpty()) {
            Map.Entry<String, Throwable> first = failures.entrySet().iterator().next();
            throw new IllegalStateException("Cannot create Kafka topics " + failures.keySet() + ": "
                    + first.getValue().getMessage(), first.getValue());
        }
        return created;
    }

    /** Waits until the brokers list topics the controller reported as existing. */
    private void awaitListed(Set<String> topics) throws InterruptedException, TimeoutException, ExecutionException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Set<String> listed = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        while (!listed.containsAll(topics)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Kafka topics " + topics + " exist but the brokers do not list them after "
                        + TIMEOUT.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
            listed = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void verifyCompaction(List<TopicSpec> tables)
            throws InterruptedException, TimeoutException, ExecutionException {
        if (tables.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = tables.stream()
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<String> wrong = new ArrayList<>();
        configs.forEach((resource, config) -> {
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                wrong.add(resource.name() + " (cleanup.policy=" + (policy == null ? "?" : policy.value()) + ")");
            }
        });
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("Kafka topics " + wrong
                    + " must be compacted (cleanup.policy=compact): they hold tables keyed by id.");
        }
    }

    /**
     * Brings the time bounds of existing topics (retention, erasure horizon) to the configured values: they bound how
     * long personal data stays, so a topic created by an earlier release or by hand must not keep it longer. Where
     * the service may not alter a topic, it says which setting to apply and goes on.
     */
    private void alignBounds(List<TopicSpec> existing) throws InterruptedException, TimeoutException,
            ExecutionException {
        List<TopicSpec> bounded = existing.stream()
                .filter(spec -> spec.configs().keySet().stream().anyMatch(ALIGNED::contains)).toList();
        if (bounded.isEmpty()) {
            return;
        }
        Map<ConfigResource, Config> configs = admin.describeConfigs(bounded.stream()
                .map(spec -> new ConfigResource(ConfigResource.Type.TOPIC, spec.name())).toList()).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
        for (TopicSpec spec : bounded) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
            Config config = configs.get(resource);
            List<AlterConfigOp> ops = new ArrayList<>();
            spec.configs().forEach((name, value) -> {
                ConfigEntry entry = config == null ? null : config.get(name);
                if (ALIGNED.contains(name) && (entry == null || !value.equals(entry.value()))) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                }
            });
            if (!ops.isEmpty()) {
                changes.put(resource, ops);
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        admin.incrementalAlterConfigs(changes).values().forEach((resource, future) -> {
            String settings = changes.get(resource).stream()
                    .map(op -> op.configEntry().name() + "=" + op.configEntry().value()).toList().toString();
            try {
                future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.infof("Set %s on Kafka topic %s", settings, resource.name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warnf("Cannot set %s on Kafka topic %s (%s): apply them with kafka-configs, or personal data may"
                        + " stay longer than configured", settings, resource.name(),
                        e.getCause() == null ? e : e.getCause());
            }
        });
    }

    private static List<String> names(Collection<TopicSpec> specs) {
        return specs.stream().map(TopicSpec::name).toList();
    }
}
