package dev.consentrelay;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AckRecords;
import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;
import dev.consentrelay.topology.VendorDirectory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The promise end to end: an opt-out published to the real broker is decided, delivered by the webhook connectors to
 * real HTTP servers on loopback, acknowledged, tracked to a receipt (or an SLA breach), and visible through the
 * propagation endpoint and {@code /q/metrics}. The vendors are JDK {@link HttpServer}s started before Quarkus, so
 * their URLs are plain connector configuration.
 */
@QuarkusTest
@TestProfile(PropagationEndToEndIT.Vendors.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class PropagationEndToEndIT {

    static final String FLAKY = "flaky";
    static final String STALLED = "stalled";
    static final String HEALTHY = "healthy";
    static final String DEAD = "dead";
    static final String SECRET_PREFIX = "e2e-secret-";
    static final String READ_KEY = "test-read-key";

    /** Every request the vendor servers received, as JDK types (the servers live outside Quarkus's class loader). */
    List<Map<String, String>> deliveries;

    @Inject
    KafkaStreams streams;

    @Inject
    VendorDirectory vendorDirectory;

    @Inject
    SchemaRegistryClient registry;

    /** This class's vendors file, a short SLA check and one webhook connector per vendor server. */
    public static class Vendors implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            // The test profile names its own file with %test, which wins over an unprefixed override.
            config.put("%test.consent-relay.processing.vendors-file", "src/test/resources/propagation-vendors.yaml");
            config.put("consent-relay.processing.sla-check-interval", "500ms");
            connector(config, FLAKY, "5s", 3, "50ms", "100ms");
            // Fails after three 1s attempts, well after its 1s SLA runs out: the breach comes first.
            connector(config, STALLED, "1s", 3, "50ms", "100ms");
            connector(config, HEALTHY, "5s", 3, "50ms", "100ms");
            // Stays on its first attempt for the whole class.
            connector(config, DEAD, "60s", 2, "50ms", "100ms");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(VendorServers.class));
        }

        private static void connector(Map<String, String> config, String vendorId, String timeout, int maxAttempts,
                String initialBackoff, String maxBackoff) {
            String prefix = "consent-relay.connectors.vendors." + vendorId + ".";
            config.put(prefix + "adapter", "webhook");
            config.put(prefix + "insecure", "true");
            config.put(prefix + "secret", SECRET_PREFIX + vendorId);
            config.put(prefix + "timeout", timeout);
            config.put(prefix + "max-attempts", String.valueOf(maxAttempts));
            config.put(prefix + "initial-backoff", initialBackoff);
            config.put(prefix + "max-backoff", maxBackoff);
        }
    }

    /**
     * One loopback HTTP server per vendor: {@code flaky} answers 503 to the first two deliveries of each
     * Idempotency-Key and then 200, {@code healthy} answers 200, {@code stalled} and {@code dead} read the request
     * and never answer.
     */
    public static class VendorServers implements QuarkusTestResourceLifecycleManager {

        private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
        private final Map<String, AtomicInteger> attemptsByKey = new ConcurrentHashMap<>();
        private final CountDownLatch release = new CountDownLatch(1);
        private final List<HttpServer> servers = new ArrayList<>();
        private final ExecutorService handlers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "e2e-vendor");
            thread.setDaemon(true);
            return thread;
        });

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>();
            config.put(url(FLAKY), serve(FLAKY, this::failTwiceThenAccept));
            config.put(url(HEALTHY), serve(HEALTHY, exchange -> 200));
            config.put(url(STALLED), serve(STALLED, this::neverAnswer));
            config.put(url(DEAD), serve(DEAD, this::neverAnswer));
            return config;
        }

        @Override
        public void inject(TestInjector testInjector) {
            testInjector.injectIntoFields(received, field -> field.getName().equals("deliveries"));
        }

        @Override
        public void stop() {
            release.countDown();
            servers.forEach(server -> server.stop(0));
            handlers.shutdownNow();
        }

        private static String url(String vendorId) {
            return "consent-relay.connectors.vendors." + vendorId + ".url";
        }

        private int failTwiceThenAccept(Map<String, String> delivery) {
            int attempt = attemptsByKey.computeIfAbsent(String.valueOf(delivery.get("key")), k -> new AtomicInteger())
                    .incrementAndGet();
            return attempt <= 2 ? 503 : 200;
        }

        private int neverAnswer(Map<String, String> delivery) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        private String serve(String vendorId, Answer answer) {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.setExecutor(handlers);
                server.createContext("/consent", exchange -> handle(vendorId, answer, exchange));
                server.start();
                servers.add(server);
                return "http://127.0.0.1:" + server.getAddress().getPort() + "/consent";
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start the " + vendorId + " vendor server", e);
            }
        }

        private void handle(String vendorId, Answer answer, HttpExchange exchange) throws IOException {
            try {
                Map<String, String> delivery = new ConcurrentHashMap<>();
                delivery.put("vendor", vendorId);
                delivery.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                delivery.put("key", String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
                delivery.put("signature", String.valueOf(exchange.getRequestHeaders().getFirst("X-Consent-Signature")));
                delivery.put("status", "unanswered");
                received.add(delivery);
                int status = answer.status(delivery);
                if (status < 0) {
                    return;
                }
                delivery.put("status", String.valueOf(status));
                exchange.sendResponseHeaders(status, -1);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.flush();
                }
            } finally {
                exchange.close();
            }
        }

        /** What a vendor server answers to one delivery; negative for no answer at all. */
        interface Answer {
            int status(Map<String, String> delivery);
        }
    }

    @BeforeEach
    void awaitPipeline() {
        await().atMost(TestKafka.timeout()).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        await().atMost(TestKafka.timeout()).until(() -> vendorDirectory.all().stream().map(Vendor::vendorId)
                .toList().containsAll(List.of(FLAKY, STALLED, HEALTHY, DEAD)));
    }

    @Test
    void vendorFailingTwiceGetsOneSignedAcceptedDeliveryAndTheLatencyIsMeasured() throws Exception {
        String signalId = publishOptOut("analytics");

        CommandAck ack = awaitAck(signalId, FLAKY);
        assertThat(ack.getStatus()).isEqualTo(AckStatus.APPLIED);
        assertThat(ack.getAttempts()).isEqualTo(3);
        String commandId = ack.getCommandId().toString();

        List<Map<String, String>> received = deliveriesOf(FLAKY, signalId);
        assertThat(received).as("two refused deliveries, then one accepted").hasSize(3)
                .allSatisfy(d -> assertThat(d.get("key")).isEqualTo(commandId));
        assertThat(received).filteredOn(d -> d.get("status").startsWith("2")).singleElement()
                .satisfies(d -> {
                    // Verified as a vendor would: the timestamp and the exact body under the shared secret.
                    Matcher signed = Pattern.compile("t=(\\d+),sha256=([0-9a-f]{64})").matcher(d.get("signature"));
                    assertThat(signed.matches()).as(d.get("signature")).isTrue();
                    assertThat(signed.group(2)).isEqualTo(hmacSha256Hex(SECRET_PREFIX + FLAKY,
                            signed.group(1) + "." + d.get("body")));
                    assertThat(Math.abs(Long.parseLong(signed.group(1)) - Instant.now().getEpochSecond()))
                            .isLessThan(300);
                });

        PropagationReceipt receipt = await().atMost(TestKafka.timeout()).until(
                () -> readCommitted("consent.propagation-receipts.v1", PropagationReceipt.class,
                        r -> r.getSignalId().toString().equals(signalId)),
                receipts -> !receipts.isEmpty()).get(0);
        assertThat(receipt.getVendors()).singleElement().satisfies(outcome -> {
            assertThat(outcome.getVendorId()).isEqualTo(FLAKY);
            assertThat(outcome.getStatus()).isEqualTo(AckStatus.APPLIED);
            assertThat(outcome.getLatencyMillis()).isPositive();
        });

        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().header("X-API-Key", READ_KEY)
                .when().get("/v1/signals/" + signalId + "/propagation")
                .then().log().ifValidationFails().statusCode(200)
                .body("complete", equalTo(true))
                .body("vendors[0].vendorId", equalTo(FLAKY))
                .body("vendors[0].status", equalTo("APPLIED"))
                .body("vendors[0].attempts", equalTo(3)));

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher count = Pattern.compile("(?m)^consent_propagation_latency_seconds_count\\{[^}]*vendor=\"" + FLAKY
                + "\"[^}]*} ([0-9.eE+]+)$").matcher(metrics);
        assertThat(count.find()).as("propagation latency of %s in /q/metrics", FLAKY).isTrue();
        assertThat(Double.parseDouble(count.group(1))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void vendorThatNeverAnswersBreachesItsSlaOnceAndIsFailedAfterItsRetries() {
        String signalId = publishOptOut("profiling");
        Predicate<SlaBreach> ofSignal = b -> b.getSignalId().toString().equals(signalId);

        await().atMost(TestKafka.timeout())
                .until(() -> readCommitted("consent.sla-breaches.v1", SlaBreach.class, ofSignal), b -> !b.isEmpty());
        CommandAck ack = awaitAck(signalId, STALLED);

        assertThat(ack.getStatus()).isEqualTo(AckStatus.FAILED);
        assertThat(ack.getAttempts()).isEqualTo(3);
        assertThat(deliveriesOf(STALLED, signalId)).hasSize(3)
                .allSatisfy(d -> assertThat(d.get("status")).isEqualTo("unanswered"));
        // The punctuator ran several times between the breach and the FAILED ack: still one breach.
        assertThat(readCommitted("consent.sla-breaches.v1", SlaBreach.class, ofSignal)).singleElement()
                .satisfies(breach -> {
                    assertThat(breach.getVendorId()).isEqualTo(STALLED);
                    assertThat(breach.getCommandId()).isEqualTo(ack.getCommandId());
                });
    }

    @Test
    void deadVendorDoesNotDelayAnotherVendorsDelivery() {
        String signalId = publishOptOut("personalization");

        await().atMost(TestKafka.timeout()).until(() -> !deliveriesOf(DEAD, signalId).isEmpty());
        CommandAck healthy = awaitAck(signalId, HEALTHY);

        assertThat(healthy.getStatus()).isEqualTo(AckStatus.APPLIED);
        assertThat(deliveriesOf(DEAD, signalId)).as("the dead vendor still holds its first delivery").hasSize(1)
                .allSatisfy(d -> assertThat(d.get("status")).isEqualTo("unanswered"));
        assertThat(readAcks(a -> a.getSignalId().toString().equals(signalId) && a.getVendorId().equals(DEAD)))
                .isEmpty();
        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().header("X-API-Key", READ_KEY)
                .when().get("/v1/signals/" + signalId + "/propagation")
                .then().log().ifValidationFails().statusCode(200)
                .body("complete", equalTo(false))
                .body("vendors.find { it.vendorId == 'healthy' }.status", equalTo("APPLIED"))
                .body("vendors.find { it.vendorId == 'dead' }.status", equalTo("PENDING")));
    }

    /** Publishes an opt-out of one purpose for a fresh subject, as a platform would, and returns its signalId. */
    private String publishOptOut(String purpose) {
        String subject = "e2e-propagation-" + UUID.randomUUID();
        Signal optOut = new Signal(UUID.randomUUID().toString(), subject,
                List.of(new SubjectIdentifier("device_id", "device-" + UUID.randomUUID())), Signal.Kind.OPT_OUT,
                Set.of(purpose), "US-CA", Signal.Source.PREFERENCE_CENTER, "toggle", "2026-11-01",
                Instant.now().minusSeconds(1), null, false);
        Map<String, Object> config = TestKafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
                KafkaProducer<String, ConsentSignal> producer = new KafkaProducer<>(config,
                        new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>("consent.signals.v1", subject, AvroMapper.toAvro(optOut)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot publish the opt-out", e);
        }
        return optOut.signalId();
    }

    private CommandAck awaitAck(String signalId, String vendorId) {
        return await().atMost(TestKafka.timeout()).until(() -> readAcks(
                a -> a.getSignalId().toString().equals(signalId) && a.getVendorId().equals(vendorId)),
                acks -> !acks.isEmpty()).get(0);
    }

    /** The committed acknowledgements that match, each one a record carries. */
    private List<CommandAck> readAcks(Predicate<CommandAck> matches) {
        return readCommitted("consent.command-acks.v1", CommandAck.class, a -> true).stream()
                .flatMap(record -> AckRecords.each(record).stream()).filter(matches).toList();
    }

    private List<Map<String, String>> deliveriesOf(String vendorId, String signalId) {
        return deliveries.stream()
                .filter(d -> d.get("vendor").equals(vendorId) && d.get("body").contains("\"" + signalId + "\""))
                .toList();
    }

    /** Every committed record of the topic, up to its end when called, whose value matches. */
    private <T extends SpecificRecord> List<T> readCommitted(String topic, Class<T> type, Predicate<T> matches) {
        List<T> values = new ArrayList<>();
        try (AvroSerde<T> serde = AvroSerde.forClass(type, registry, false);
                KafkaConsumer<String, T> consumer = new KafkaConsumer<>(
                        TestKafka.readCommittedConsumerConfig("verifier-" + UUID.randomUUID()),
                        new StringDeserializer(), serde.deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Cannot read " + topic + " to its end");
                }
                for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null && matches.test(record.value())) {
                        values.add(record.value());
                    }
                }
            }
        }
        return values;
    }

    private static String hmacSha256Hex(String secret, String body) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
