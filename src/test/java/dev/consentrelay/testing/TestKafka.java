package dev.consentrelay.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real Apache Kafka broker (KRaft, combined broker and controller) per test JVM, started on first use from
 * Kafka's own {@link KafkaClusterTestKit} and stopped when the JVM exits. Configured like the embedded broker of the
 * run mode: single-replica transaction and offsets logs so exactly-once works on one node.
 */
public final class TestKafka {

    private static KafkaClusterTestKit cluster;

    private TestKafka() {
    }

    /** Starts the broker if needed and returns its bootstrap servers. */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            cluster = start();
            KafkaClusterTestKit started = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception e) {
                    // The JVM is exiting; the broker's files are temporary.
                }
            }, "test-kafka-shutdown"));
        }
        return cluster.bootstrapServers();
    }

    /** Client settings pointing at the test broker. */
    public static Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** Consumer settings that read committed records only, from the start of each partition. */
    public static Map<String, Object> readCommittedConsumerConfig(String groupId) {
        Map<String, Object> config = clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    /** Creates topics that do not exist yet. */
    public static void createTopics(int partitions, String... names) {
        try (Admin admin = Admin.create(clientConfig())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (String name : names) {
                if (existing.contains(name)) {
                    continue;
                }
                try {
                    admin.createTopics(Set.of(new NewTopic(name, partitions, (short) 1))).all().get(30,
                            TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create test topics", e);
        }
    }

    private static KafkaClusterTestKit start() {
        try {
            Path base = Files.createTempDirectory("consent-relay-kafka");
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(base)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build())
                    .setConfigProp("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024))
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "3")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("num.partitions", "1")
                    // Several brokers share the test JVM; their JMX beans would collide and flood the log.
                    .setConfigProp("metric.reporters", "")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return kit;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the test Kafka broker", e);
        }
    }

    /** Settings for a Kafka client, as {@link Properties}. */
    public static Properties clientProperties() {
        Properties properties = new Properties();
        properties.putAll(clientConfig());
        return properties;
    }

    /** A generous wait for anything a test expects from Kafka. */
    public static Duration timeout() {
        return Duration.ofSeconds(60);
    }
}
