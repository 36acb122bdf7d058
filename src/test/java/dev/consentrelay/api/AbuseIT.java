package dev.consentrelay.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Abuse, against the real broker and registry: what an anonymous caller, a hostile producer or a careless client can
 * send, and what it must not achieve. (A forwarded query carrying no caller credential is proven in
 * {@link QueryApiIT}, with a second instance that knows none of this one's keys; OIDC tokens in OidcBearerTokenIT.)
 */
@QuarkusTest
@TestProfile(QueryApiIT.FixedPort.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class AbuseIT {

    private static final String SIGNALS = "consent.signals.v1";

    @Inject
    KafkaStreams streams;

    @Inject
    SchemaRegistryClient registry;

    @BeforeEach
    void awaitRunning() {
        await().atMost(TestKafka.timeout()).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }

    @Test
    void anAnonymousGpcWithASpoofedCountryLeavesAnEuSubjectsRefusalsInPlace() {
        String subject = "eu-" + UUID.randomUUID();
        ingest().body(signalJson(subject, "OPT_OUT", "EU", "[]")).post("/v1/signals").then().statusCode(202);
        awaitConsent(subject, "region", "EU");

        given().header("Sec-GPC", "1").header("X-Subject-Id", subject).header("CF-IPCountry", "CA")
                .header("X-Forwarded-For", "203.0.113.9").post("/v1/gpc").then().statusCode(202);

        await().atMost(TestKafka.timeout()).untilAsserted(() -> read().get("/v1/subjects/{id}/consent", subject)
                .then().statusCode(200).body("gpc.active", equalTo(true)).body("region", equalTo("EU"))
                .body("purposes.findAll { it.allowed }.purpose", org.hamcrest.Matchers.empty()));
    }

    @Test
    void aGpcFloodIsLimitedAndWritesNothingForASubjectWhoseGpcIsActive() {
        String subject = "flood-" + UUID.randomUUID();
        double noOpsBefore = decisions("GPC_ALREADY_ACTIVE");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            statuses.add(given().header("Sec-GPC", "1").header("X-Subject-Id", subject).post("/v1/gpc")
                    .statusCode());
        }

        assertThat(statuses).contains(429);
        long accepted = statuses.stream().filter(s -> s == 202).count();
        assertThat(accepted).as("the per-subject limit of this profile").isBetween(2L, 3L);
        // Every accepted GPC but the first is decided as a no-op; once they are, the trail holds the first alone.
        await().atMost(TestKafka.timeout()).until(() -> decisions("GPC_ALREADY_ACTIVE") - noOpsBefore >= accepted - 1);
        await().atMost(TestKafka.timeout()).untilAsserted(() -> read().accept("application/json")
                .get("/v1/subjects/{id}/proof", subject).then().statusCode(200)
                .body("entries.size()", equalTo(1)));
    }

    /** The service's count of decisions with this outcome, from its metrics. */
    private static double decisions(String outcome) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("consent_decisions_total{")
                && line.contains("outcome=\"" + outcome + "\"")).mapToDouble(line -> Double.parseDouble(
                        line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void hostileAvroBytesAreDeadLetteredAndTheNextSignalIsDecided() throws Exception {
        String subject = "hostile-" + UUID.randomUUID();
        Signal valid = signal(subject, Signal.Kind.OPT_OUT, Set.of("advertising"), List.of());
        byte[] good;
        try (AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false)) {
            good = serde.serializer().serialize(SIGNALS, AvroMapper.toAvro(valid));
        }
        // The wire header of a real schema id, then a string length of 2^30: a 10-byte record claiming a gigabyte.
        byte[] huge = ByteBuffer.allocate(10).put(Arrays.copyOf(good, 5)).put(new byte[]{(byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, 0x08}).array();
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(SIGNALS, subject, huge));
            producer.send(new ProducerRecord<>(SIGNALS, subject, truncated));
            producer.send(new ProducerRecord<>(SIGNALS, subject, good));
            producer.flush();
        }

        awaitConsent(subject, "purposes.find { it.purpose == 'advertising' }.status", "DENIED");
        await().atMost(TestKafka.timeout()).untilAsserted(() -> assertThat(deadLetters(subject)).hasSize(2)
                .allSatisfy(record -> assertThat(record.headers().lastHeader("dlq.reason")).isNotNull()));
    }

    @Test
    void oversizedJsonFieldsAndAnOverflowingSlaAreRefusedNamingTheField() {
        ingest().body(signalJson("s".repeat(5_000), "OPT_OUT", "US-CA", "[]")).post("/v1/signals").then()
                .statusCode(400).body("errors.field", org.hamcrest.Matchers.hasItem("subjectId"));
        StringBuilder identifiers = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            identifiers.append(i == 0 ? "" : ",").append("{\"type\": \"device_id\", \"value\": \"")
                    .append("x".repeat(250)).append(i).append("\"}");
        }
        ingest().body(signalJson("many-" + UUID.randomUUID(), "OPT_OUT", "US-CA", identifiers + "]"))
                .post("/v1/signals").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItem("identifiers"));

        given().header("X-API-Key", "test-admin-key").contentType("application/json").body("""
                {"name": "Overflow", "kind": "VENDOR", "purposes": ["advertising"], "actions": ["SUPPRESS"],
                 "sla": "9223372036854775807ms"}""").put("/v1/vendors/ovf").then().statusCode(400)
                .body(containsString("sla"));
    }

    @Test
    void tenThousandSignalsWithEverNewIdentifiersLeaveTheSubjectAbleToOptOut() {
        String subject = "growing-" + UUID.randomUUID();
        Map<String, Object> config = producerConfig();
        try (AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
                KafkaProducer<String, ConsentSignal> producer = new KafkaProducer<>(config,
                        new StringSerializer(), serde.serializer())) {
            for (int i = 0; i < 10_000; i++) {
                producer.send(new ProducerRecord<>(SIGNALS, subject, AvroMapper.toAvro(signal(subject,
                        Signal.Kind.OPT_OUT, Set.of("analytics"),
                        List.of(new SubjectIdentifier("device_id", "d-" + i))))));
            }
            producer.send(new ProducerRecord<>(SIGNALS, subject, AvroMapper.toAvro(signal(subject,
                    Signal.Kind.OPT_OUT, Set.of("email_marketing"), List.of()))));
            producer.flush();
        }

        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> read().get("/v1/subjects/{id}/consent", subject)
                .then().statusCode(200)
                .body("purposes.find { it.purpose == 'email_marketing' }.status", equalTo("DENIED"))
                .body("identifiers.size()", org.hamcrest.Matchers.lessThanOrEqualTo(32)));
    }

    @Test
    void afterAnErasureNoRawIdentifierIsInTheAuditTopic() {
        String subject = "erased-" + UUID.randomUUID();
        String device = "device-" + UUID.randomUUID();
        String identifiers = "[{\"type\": \"device_id\", \"value\": \"" + device + "\"}]";
        ingest().body(signalJson(subject, "OPT_OUT", "US-CA", identifiers)).post("/v1/signals").then()
                .statusCode(202);
        ingest().body(signalJson(subject, "ERASURE", "US-CA", identifiers)).post("/v1/signals").then()
                .statusCode(202);

        await().atMost(TestKafka.timeout()).untilAsserted(() -> {
            List<AuditEvent> trail = auditOf(subject);
            assertThat(trail).hasSizeGreaterThanOrEqualTo(2);
            assertThat(trail).extracting(Object::toString).noneMatch(text -> text.contains(device));
        });
        Response consent = read().get("/v1/subjects/{id}/consent", subject);
        assertThat(consent.asString()).doesNotContain(device);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static RequestSpecification ingest() {
        return given().header("X-API-Key", "test-ingest-key").contentType("application/json");
    }

    private static RequestSpecification read() {
        return given().header("X-API-Key", "test-read-key");
    }

    private static void awaitConsent(String subject, String path, String expected) {
        await().atMost(TestKafka.timeout()).untilAsserted(() -> read().get("/v1/subjects/{id}/consent", subject)
                .then().statusCode(200).body(path, equalTo(expected)));
    }

    private static String signalJson(String subject, String kind, String region, String identifiers) {
        return """
                {"signalId": "%s", "subjectId": "%s", "kind": "%s", "region": "%s", "method": "toggle",
                 "occurredAt": "%s", "identifiers": %s}""".formatted(UUID.randomUUID(), subject, kind, region,
                Instant.now().minusSeconds(5), identifiers);
    }

    private static Signal signal(String subject, Signal.Kind kind, Set<String> purposes,
            List<SubjectIdentifier> identifiers) {
        return new Signal(UUID.randomUUID().toString(), subject, identifiers, kind, purposes, "US-CA",
                Signal.Source.API, "toggle", "2026-11-01", Instant.now().minusSeconds(5), null, false);
    }

    private static Map<String, Object> producerConfig() {
        Map<String, Object> config = TestKafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(String subject) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(TestKafka.readCommittedConsumerConfig(
                "abuse-dlq-" + UUID.randomUUID()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("consent.signals.dlq.v1"));
            long end = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < end) {
                consumer.poll(Duration.ofMillis(250)).forEach(record -> {
                    if (record.key() != null && subject.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        found.add(record);
                    }
                });
            }
        }
        return found;
    }

    private List<AuditEvent> auditOf(String subject) {
        List<AuditEvent> trail = new ArrayList<>();
        try (AvroSerde<AuditEvent> serde = AvroSerde.forClass(AuditEvent.class, registry, false);
                KafkaConsumer<String, AuditEvent> consumer = new KafkaConsumer<>(TestKafka
                        .readCommittedConsumerConfig("abuse-audit-" + UUID.randomUUID()), new StringDeserializer(),
                        serde.deserializer())) {
            consumer.subscribe(List.of("consent.audit.v1"));
            long end = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < end) {
                consumer.poll(Duration.ofMillis(250)).forEach(record -> {
                    if (record.key() != null && record.key().startsWith(subject + "|")) {
                        trail.add(record.value());
                    }
                });
            }
        }
        return trail;
    }
}
