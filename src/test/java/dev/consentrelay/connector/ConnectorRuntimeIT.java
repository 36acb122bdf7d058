package dev.consentrelay.connector;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.HttpSchemaRegistryClient;
import dev.consentrelay.serde.SchemaRegistryConfig;
import dev.consentrelay.testing.ApicurioRegistryExtension;
import dev.consentrelay.testing.ApicurioRegistryExtension.RunningRegistry;
import dev.consentrelay.testing.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector pieces wired as the runtime wires them, against a real broker and a real registry: a vendor that
 * answers 503 twice per command and then accepts, a vendor that never answers, and redeliveries.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class ConnectorRuntimeIT {

    private static final String SECRET = "mailer-secret";
    private static final int COMMANDS = 5;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String mailerTopic = "it.connector.commands.mailer." + run;
    private final String deadTopic = "it.connector.commands.dead." + run;
    private final String acksTopic = "it.connector.acks." + run;

    private HttpSchemaRegistryClient registry;
    private HttpServer mailer;
    private ServerSocket silent;
    private final Map<String, AtomicInteger> attemptsByKey = new ConcurrentHashMap<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final List<String> badSignatures = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ConnectorMetrics metrics = new ConnectorMetrics(meters);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private AckPublisher acks;

    @BeforeEach
    void setUp(RunningRegistry running) throws IOException {
        registry = new HttpSchemaRegistryClient(
                SchemaRegistryConfig.of(running.ccompatUrl()).withRetries(2, Duration.ofMillis(100)));
        TestKafka.createTopics(3, mailerTopic, deadTopic, acksTopic);
        mailer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        mailer.createContext("/consent", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            String signature = exchange.getRequestHeaders().getFirst("X-Consent-Signature");
            int attempt = attemptsByKey.computeIfAbsent(String.valueOf(key), k -> new AtomicInteger())
                    .incrementAndGet();
            int status = attempt <= 2 ? 503 : 200;
            if (status == 200) {
                if (!("sha256=" + CommandRendering.hmacSha256Hex(SECRET, body)).equals(signature)) {
                    badSignatures.add(key);
                }
                accepted.add(key);
            }
            exchange.sendResponseHeaders(status, -1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.flush();
            }
        });
        mailer.start();
        // Accepts connections (through the backlog) and never answers.
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acks = AckPublisher.create(TestKafka.clientConfig(),
                AvroSerde.forClass(CommandAck.class, registry, false).serializer(), acksTopic);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        acks.close();
        mailer.stop(0);
        silent.close();
        registry.close();
    }

    @Test
    void shouldDeliverEachCommandOnceAndAckItWhileAnotherVendorIsDead() {
        VendorConnector dead = connector("dead", deadTopic, URI.create("http://127.0.0.1:" + silent.getLocalPort()
                + "/consent"), Duration.ofSeconds(20), 3, new AckedCommands(1000));
        VendorConnector mailerConnector = connector("mailer", mailerTopic, mailerUrl(), Duration.ofSeconds(5), 6,
                new AckedCommands(1000));
        List<PropagationCommand> deadCommands = produce("dead", deadTopic, COMMANDS);
        await().atMost(TestKafka.timeout()).until(() -> dead.inFlight() > 0);

        List<PropagationCommand> commands = produce("mailer", mailerTopic, COMMANDS);

        List<ConsumerRecord<String, CommandAck>> mailerAcks = awaitAcks("mailer", COMMANDS);
        assertThat(accepted).hasSize(COMMANDS)
                .containsExactlyInAnyOrderElementsOf(commands.stream().map(c -> c.getCommandId().toString()).toList());
        assertThat(badSignatures).isEmpty();
        for (PropagationCommand command : commands) {
            ConsumerRecord<String, CommandAck> record = mailerAcks.stream()
                    .filter(r -> r.value().getCommandId().equals(command.getCommandId())).findFirst().orElseThrow();
            assertThat(record.key()).isEqualTo(command.getSignalId().toString());
            assertThat(record.value().getSignalId()).isEqualTo(command.getSignalId());
            assertThat(record.value().getStatus()).isEqualTo(AckStatus.APPLIED);
            assertThat(record.value().getAttempts()).isEqualTo(3);
            assertThat(record.value().getAppliedAt()).isAfter(command.getIssuedAt());
        }
        assertThat(readAcks()).filteredOn(r -> r.value().getVendorId().equals("dead"))
                .as("the dead vendor is still on its first attempts").isEmpty();
        assertThat(dead.inFlight()).isPositive();
        assertThat(meters.counter("consent_connector_deliveries", "vendor", "mailer", "action", "SUPPRESS",
                "outcome", "APPLIED").count()).isEqualTo(COMMANDS);
        assertThat(meters.counter("consent_connector_retries", "vendor", "mailer", "action", "SUPPRESS").count())
                .isEqualTo(2 * COMMANDS);
        assertThat(deadCommands).hasSize(COMMANDS);
    }

    @Test
    void shouldSkipRedeliveredCommandsDuringARunAndAfterARestart() throws Exception {
        VendorConnector first = connector("mailer", mailerTopic, mailerUrl(), Duration.ofSeconds(5), 6,
                new AckedCommands(1000));
        List<PropagationCommand> commands = produce("mailer", mailerTopic, 2);
        awaitAcks("mailer", 2);

        send(mailerTopic, commands.get(0));
        sendBytes(mailerTopic, "not avro".getBytes(StandardCharsets.UTF_8));
        awaitNoLag("consent-relay-connector-mailer", mailerTopic);
        assertThat(accepted).hasSize(2);

        first.close();
        closeables.remove(first);
        AckedCommands rebuilt = new AckedCommands(1000);
        AckHistory.load(TestKafka.clientConfig(), acksTopic,
                AvroSerde.forClass(CommandAck.class, registry, false).deserializer(), Duration.ofDays(7),
                Duration.ofSeconds(30), Clock.systemUTC(), Map.of("mailer", rebuilt));
        assertThat(rebuilt.contains(commands.get(1).getCommandId())).isTrue();
        connector("mailer", mailerTopic, mailerUrl(), Duration.ofSeconds(5), 6, rebuilt);

        send(mailerTopic, commands.get(1));
        awaitNoLag("consent-relay-connector-mailer", mailerTopic);

        assertThat(accepted).hasSize(2);
        assertThat(readAcks()).hasSize(2);
    }

    private URI mailerUrl() {
        return URI.create("http://127.0.0.1:" + mailer.getAddress().getPort() + "/consent");
    }

    private VendorConnector connector(String vendorId, String topic, URI url, Duration timeout, int maxAttempts,
            AckedCommands acked) {
        WebhookAdapter adapter = new WebhookAdapter(url, SECRET, timeout, Clock.systemUTC());
        RetryingDelivery delivery = new RetryingDelivery(vendorId, adapter,
                new RetryPolicy(maxAttempts, Duration.ofMillis(10), Duration.ofMillis(50)),
                TokenBucket.perSecond(200), RetryingDelivery.threadSleeper(), Clock.systemUTC(),
                (command, attempt, result) -> metrics.retried(vendorId, command.getAction().name()));
        Map<String, Object> client = new HashMap<>(TestKafka.clientConfig());
        client.put("auto.offset.reset", "earliest");
        VendorConnector connector = new VendorConnector(new VendorConnector.Settings(vendorId, topic, 4, 64),
                client, AvroSerde.forClass(PropagationCommand.class, registry, false).deserializer(), delivery, acks,
                acked, metrics);
        connector.start();
        closeables.add(connector);
        return connector;
    }

    private List<PropagationCommand> produce(String vendorId, String topic, int count) {
        List<PropagationCommand> commands = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PropagationCommand command = TestCommands.suppress(vendorId, "subject-" + i);
            commands.add(command);
            send(topic, command);
        }
        return commands;
    }

    private void send(String topic, PropagationCommand command) {
        try (KafkaProducer<String, PropagationCommand> producer = new KafkaProducer<>(TestKafka.clientConfig(),
                new StringSerializer(), AvroSerde.forClass(PropagationCommand.class, registry, false).serializer())) {
            producer.send(new ProducerRecord<>(topic, command.getSubjectId(), command)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void sendBytes(String topic, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestKafka.clientConfig(),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "subject-x", value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ConsumerRecord<String, CommandAck>> awaitAcks(String vendorId, int count) {
        List<ConsumerRecord<String, CommandAck>> found = new ArrayList<>();
        await().atMost(TestKafka.timeout()).pollInterval(Duration.ofMillis(200)).until(() -> {
            found.clear();
            readAcks().stream().filter(r -> r.value().getVendorId().equals(vendorId)).forEach(found::add);
            return found.size() >= count;
        });
        assertThat(found).hasSize(count);
        assertThat(found.stream().map(r -> r.value().getCommandId()).distinct()).hasSize(count);
        return found;
    }

    private List<ConsumerRecord<String, CommandAck>> readAcks() {
        List<ConsumerRecord<String, CommandAck>> records = new ArrayList<>();
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
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private void awaitNoLag(String group, String topic) {
        try (Admin admin = Admin.create(TestKafka.clientConfig())) {
            await().atMost(TestKafka.timeout()).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < 3; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return ends.entrySet().stream().allMatch(e -> {
                    OffsetAndMetadata offset = committed.get(e.getKey());
                    long end = e.getValue().offset();
                    return end == 0 || (offset != null && offset.offset() >= end);
                });
            });
        }
    }
}
