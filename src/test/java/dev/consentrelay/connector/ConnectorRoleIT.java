package dev.consentrelay.connector;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AckRecords;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * The service started with {@code consent-relay.role=connector}: no topology resolves (so Kafka Streams does not
 * start), and the connectors configured under {@code consent-relay.connectors.vendors} consume their SmallRye Kafka
 * channels: a file-export vendor and a webhook vendor (a JDK {@link HttpServer} on loopback) whose redelivered
 * commands are skipped, during a run and after the connectors restart with their acknowledged ids read back from the
 * acks topic.
 */
@QuarkusTest
@TestProfile(ConnectorRoleIT.ConnectorRole.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class ConnectorRoleIT {

    static final String ARCHIVE = "archive";
    static final String MAILER = "mailer";
    static final String SLOW = "slow";
    static final Path EXPORT_DIR = Path.of("target", "connector-role-export");

    /** Idempotency keys of the deliveries the mailer accepted (JDK types: the server lives outside Quarkus). */
    List<String> mailerDeliveries;

    /** Holds every delivery to the slow vendor until counted down. */
    CountDownLatch slowVendorRelease;

    @Inject
    @Any
    Instance<Topology> topology;

    @Inject
    SchemaRegistryClient registry;

    @Inject
    TopicsConfig topics;

    @Inject
    ConnectorRuntime runtime;

    @Inject
    MeterRegistry meters;

    /** Connector role with one file-export vendor and one webhook vendor. */
    public static class ConnectorRole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The processor creates command topics when vendors appear; in this role nothing does.
            TestKafka.createTopics(3, topic(ARCHIVE), topic(MAILER), topic(SLOW));
            Map<String, String> config = new HashMap<>();
            config.put("consent-relay.role", "connector");
            config.put("consent-relay.connectors.vendors." + ARCHIVE + ".adapter", "file");
            config.put("consent-relay.connectors.vendors." + ARCHIVE + ".file-dir", EXPORT_DIR.toString());
            config.put("consent-relay.connectors.vendors." + MAILER + ".adapter", "webhook");
            config.put("consent-relay.connectors.vendors." + MAILER + ".insecure", "true");
            config.put("consent-relay.connectors.vendors." + MAILER + ".secret", "mailer-secret");
            config.put("consent-relay.connectors.vendors." + SLOW + ".adapter", "webhook");
            config.put("consent-relay.connectors.vendors." + SLOW + ".insecure", "true");
            config.put("consent-relay.connectors.vendors." + SLOW + ".secret", "slow-secret");
            config.put("consent-relay.connectors.vendors." + SLOW + ".timeout", "120s");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MailerServer.class));
        }
    }

    /**
     * The webhook vendors: {@code mailer} accepts every delivery and records its Idempotency-Key, {@code slow} holds
     * every delivery until released.
     */
    public static class MailerServer implements QuarkusTestResourceLifecycleManager {

        private final List<String> received = new CopyOnWriteArrayList<>();
        private final CountDownLatch release = new CountDownLatch(1);
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start the mailer server", e);
            }
            server.createContext("/consent", exchange -> {
                exchange.getRequestBody().readAllBytes();
                received.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
                exchange.sendResponseHeaders(200, -1);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.flush();
                }
            });
            server.createContext("/slow", exchange -> {
                exchange.getRequestBody().readAllBytes();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            return Map.of("consent-relay.connectors.vendors." + MAILER + ".url", base + "/consent",
                    "consent-relay.connectors.vendors." + SLOW + ".url", base + "/slow");
        }

        @Override
        public void inject(TestInjector testInjector) {
            testInjector.injectIntoFields(received, field -> field.getName().equals("mailerDeliveries"));
            testInjector.injectIntoFields(release, field -> field.getName().equals("slowVendorRelease"));
        }

        @Override
        public void stop() {
            release.countDown();
            server.stop(0);
        }
    }

    @Test
    void shouldNotStartKafkaStreamsButDeliverCommands() throws Exception {
        assertThat(topology.isUnsatisfied()).as("no topology in the connector role").isTrue();
        PropagationCommand command = TestCommands.suppress(ARCHIVE, "subject-role");

        send(topic(ARCHIVE), command);

        await().atMost(TestKafka.timeout()).pollInterval(Duration.ofMillis(200))
                .until(() -> exported().stream().anyMatch(line -> line.contains(command.getCommandId().toString())));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(containsString("connector-" + ARCHIVE)).body(containsString("connector-" + MAILER));
    }

    @Test
    void shouldSkipRedeliveredCommandsDuringARunAndAfterARestart() throws Exception {
        List<PropagationCommand> commands = List.of(TestCommands.suppress(MAILER, "subject-a-" + UUID.randomUUID()),
                TestCommands.suppress(MAILER, "subject-b-" + UUID.randomUUID()));
        List<String> ids = commands.stream().map(c -> c.getCommandId().toString()).toList();
        for (PropagationCommand command : commands) {
            send(topic(MAILER), command);
        }
        List<CommandAck> acks = awaitAcks(ids);
        assertThat(acks).allSatisfy(ack -> assertThat(ack.getStatus()).isEqualTo(AckStatus.APPLIED));
        assertThat(ackKeys).as("keyed by subject, so each reaches the task that decided its signal")
                .containsEntry(ids.get(0), commands.get(0).getSubjectId())
                .containsEntry(ids.get(1), commands.get(1).getSubjectId());
        assertThat(mailerDeliveries).containsExactlyInAnyOrderElementsOf(ids);

        // A redelivery of an acknowledged command and a record that is not a command: both skipped, both committed.
        send(topic(MAILER), commands.get(0));
        sendBytes(topic(MAILER), "not avro".getBytes(StandardCharsets.UTF_8));
        awaitNoLag(CommandFeed.GROUP_ID, topic(MAILER));
        assertThat(mailerDeliveries).containsExactlyInAnyOrderElementsOf(ids);

        // Restarted connectors read the acknowledged ids back from the acks topic.
        runtime.stop();
        runtime.start();
        send(topic(MAILER), commands.get(1));
        awaitNoLag(CommandFeed.GROUP_ID, topic(MAILER));

        assertThat(mailerDeliveries).as("each command delivered once").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(readAcks(ids)).as("each command acknowledged once").hasSize(2);
        // Still delivering after the restart.
        PropagationCommand fresh = TestCommands.suppress(MAILER, "subject-c-" + UUID.randomUUID());
        send(topic(MAILER), fresh);
        await().atMost(TestKafka.timeout()).pollInterval(Duration.ofMillis(200))
                .until(() -> mailerDeliveries.contains(fresh.getCommandId().toString()));
    }

    @Test
    void shouldPauseTheTopicOfAVendorThatDoesNotKeepUp() throws Exception {
        int commands = 400;
        try (KafkaProducer<String, PropagationCommand> producer = new KafkaProducer<>(TestKafka.clientConfig(),
                new StringSerializer(), AvroSerde.forClass(PropagationCommand.class, registry, false).serializer())) {
            for (int i = 0; i < commands; i++) {
                PropagationCommand command = TestCommands.suppress(SLOW, "slow-subject-" + i);
                producer.send(new ProducerRecord<>(topic(SLOW), command.getSubjectId(), command));
            }
            producer.flush();
        }
        // At most 256 in flight (4 lanes × 64); the rest waits in Kafka, uncommitted.
        int bound = ConnectorRuntime.MIN_IN_FLIGHT;
        assertThat(commands).as("more than the connector may hold").isGreaterThan(bound);
        await().atMost(TestKafka.timeout()).until(() -> inFlight(SLOW) == bound);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> inFlight(SLOW) == bound);
        assertThat(lag(CommandFeed.GROUP_ID, topic(SLOW))).isEqualTo(commands);

        slowVendorRelease.countDown();
        await().atMost(TestKafka.timeout()).pollInterval(Duration.ofMillis(200))
                .until(() -> inFlight(SLOW) == 0 && lag(CommandFeed.GROUP_ID, topic(SLOW)) == 0);
    }

    private double inFlight(String vendorId) {
        return meters.get("consent_connector_in_flight").tag("vendor", vendorId).gauge().value();
    }

    private static String topic(String vendorId) {
        return "consent.commands." + vendorId + ".v1";
    }

    private void send(String topic, PropagationCommand command) throws Exception {
        try (KafkaProducer<String, PropagationCommand> producer = new KafkaProducer<>(TestKafka.clientConfig(),
                new StringSerializer(), AvroSerde.forClass(PropagationCommand.class, registry, false).serializer())) {
            producer.send(new ProducerRecord<>(topic, command.getSubjectId(), command)).get(30, TimeUnit.SECONDS);
        }
    }

    private static void sendBytes(String topic, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestKafka.clientConfig(),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "subject-x", value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** The key of each acknowledgement read, by command id. */
    private final Map<String, String> ackKeys = new java.util.concurrent.ConcurrentHashMap<>();

    private List<CommandAck> awaitAcks(List<String> commandIds) {
        List<CommandAck> found = new ArrayList<>();
        await().atMost(TestKafka.timeout()).pollInterval(Duration.ofMillis(200)).until(() -> {
            found.clear();
            found.addAll(readAcks(commandIds));
            return found.size() >= commandIds.size();
        });
        return found;
    }

    /** The committed acks of the given commands. */
    private List<CommandAck> readAcks(List<String> commandIds) {
        String acksTopic = topics.commandAcks();
        List<CommandAck> records = new ArrayList<>();
        Map<String, Object> config = TestKafka.readCommittedConsumerConfig("it-acks-" + UUID.randomUUID());
        try (KafkaConsumer<String, CommandAck> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerde.forClass(CommandAck.class, registry, false).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(acksTopic).stream()
                    .map(p -> new TopicPartition(acksTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TestKafka.timeout().toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, CommandAck> record : consumer.poll(Duration.ofMillis(200))) {
                    for (CommandAck ack : AckRecords.each(record.value())) {
                        if (commandIds.contains(ack.getCommandId().toString())) {
                            records.add(ack);
                            ackKeys.put(ack.getCommandId().toString(), record.key());
                        }
                    }
                }
            }
        }
        return records;
    }

    private static void awaitNoLag(String group, String topic) {
        await().atMost(TestKafka.timeout()).pollInterval(Duration.ofMillis(200)).until(() -> lag(group, topic) == 0);
    }

    /** Records of the topic's 3 partitions past the group's committed offsets. */
    private static long lag(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(TestKafka.clientConfig())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                lag += end.getValue().offset() - (offset == null ? 0 : offset.offset());
            }
            return lag;
        }
    }

    private static List<String> exported() throws IOException {
        if (!Files.isDirectory(EXPORT_DIR)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(EXPORT_DIR)) {
            return files.flatMap(file -> {
                try {
                    return Files.readAllLines(file).stream();
                } catch (IOException e) {
                    return Stream.empty();
                }
            }).toList();
        }
    }
}
