package dev.consentrelay.api;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * The HTTP ingest against the real broker and registry: what a {@code 202} promises is read back from Kafka with
 * {@code read_committed} and decoded with the project's Avro serde.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class IngestApiIT {

    private static final String SIGNALS = "consent.signals.v1";
    private static final String GPC = "consent.gpc-signals.v1";

    @Inject
    SchemaRegistryClient registry;

    @Test
    void acceptedSignalIsOnTheSignalsTopicAsPosted() {
        String signalId = UUID.randomUUID().toString();
        String subject = "ingest-" + UUID.randomUUID();
        Instant occurredAt = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);

        ingest().body(Map.of("signalId", signalId, "subjectId", subject, "identifiers",
                List.of(Map.of("type", "email_sha256", "value",
                        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")),
                "kind", "OPT_OUT", "purposes",
                List.of("advertising", "sale_sharing"), "region", "US-CA", "source", "PREFERENCE_CENTER", "method",
                "toggle", "policyVersion", "2026-11-01", "occurredAt", occurredAt.toString()))
                .post("/v1/signals").then().statusCode(202)
                .header("Location", endsWith("/v1/subjects/" + subject + "/signals/" + signalId))
                .body("signalId", equalTo(signalId)).body("duplicate", equalTo(false));

        List<Signal> records = read(SIGNALS, subject, 1);
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.receivedAt()).isNotNull().isAfterOrEqualTo(occurredAt);
            assertThat(record).isEqualTo(new Signal(signalId, subject,
                    List.of(new SubjectIdentifier("email_sha256",
                            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")),
                    Signal.Kind.OPT_OUT,
                    Set.of("advertising", "sale_sharing"), "US-CA", Signal.Source.PREFERENCE_CENTER, "toggle",
                    "2026-11-01", occurredAt, record.receivedAt(), false));
        });

        // The Location answers with the decision once the pipeline has made it; so does the signal id alone.
        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().header("X-API-Key", "test-read-key")
                .get("/v1/subjects/{subject}/signals/{id}", subject, signalId).then().statusCode(200)
                .body("signalId", equalTo(signalId))
                .body("subjectId", equalTo(subject)).body("kind", equalTo("OPT_OUT"))
                .body("decision.outcome", equalTo("APPLIED"))
                .body("decision.changes.purpose", hasItems("advertising", "sale_sharing")));
        given().header("X-API-Key", "test-read-key").get("/v1/signals/{id}", signalId).then().statusCode(200)
                .body("signalId", equalTo(signalId)).body("subjectId", equalTo(subject))
                .body("decision.outcome", equalTo("APPLIED"));
        given().header("X-API-Key", "test-ingest-key").get("/v1/signals/{id}", signalId).then().statusCode(403);
    }

    @Test
    void invalidSignalIsRefusedNamingEveryBadField() {
        String subject = "invalid-" + UUID.randomUUID();
        ingest().body("""
                {"signalId": "not-a-uuid", "subjectId": "%s", "kind": "OPTOUT", "purposes": ["ads"],
                 "region": "california", "occurredAt": "yesterday"}""".formatted(subject))
                .post("/v1/signals").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("signalId", "kind", "purposes", "region", "occurredAt"))
                .body("errors.message", hasItems(containsString("not a UUID"), containsString("OPTOUT")));

        ingest().body("{not json").post("/v1/signals").then().statusCode(400).body("errors[0].field",
                equalTo("body"));
        assertThat(read(SIGNALS, subject, 0)).isEmpty();
    }

    @Test
    void refusedSignalsAreCountedByTheirFirstBadFieldAndAMadeUpFieldNeverBecomesALabel() {
        ingest().body("{\"kind\": \"OPT_OUT\", \"favouriteColour-%s\": 1}".formatted(UUID.randomUUID()))
                .post("/v1/signals").then().statusCode(400);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("consent_signals_rejected_total\\{[^}]*reason=\"unknown_field\"[^}]*"
                + "stage=\"ingest\"");
        assertThat(metrics).doesNotContain("favouriteColour");
    }

    @Test
    void oversizedInputIsRefusedWithTheBoundItExceeds() {
        Map<String, Object> body = new java.util.HashMap<>(optOut(UUID.randomUUID().toString(), "s".repeat(5_000)));
        List<Map<String, String>> identifiers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            identifiers.add(Map.of("type", "device_id", "value", i + "x".repeat(2_996)));
        }
        body.put("identifiers", identifiers);

        ingest().body(body).post("/v1/signals").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItems("subjectId", "identifiers"))
                .body("errors.message", org.hamcrest.Matchers.hasItem(containsString("at most 256")));
    }

    @Test
    void repeatedSignalIdIsAcceptedOnce() {
        String signalId = UUID.randomUUID().toString();
        String subject = "dup-" + UUID.randomUUID();
        Map<String, Object> body = optOut(signalId, subject);

        ingest().body(body).post("/v1/signals").then().statusCode(202).body("duplicate", equalTo(false));
        ingest().body(body).post("/v1/signals").then().statusCode(202).body("duplicate", equalTo(true))
                .header("Location", endsWith("/v1/subjects/" + subject + "/signals/" + signalId));

        assertThat(read(SIGNALS, subject, 1)).hasSize(1);
    }

    @Test
    void batchAnswersPerItem() {
        String subject = "batch-" + UUID.randomUUID();
        String first = UUID.randomUUID().toString();
        String third = UUID.randomUUID().toString();
        ingest().body(List.of(optOut(first, subject), Map.of("subjectId", subject, "kind", "OPT_IN"),
                optOut(third, subject))).post("/v1/signals/batch").then().statusCode(200)
                .body("accepted", equalTo(2)).body("rejected", equalTo(1))
                .body("results.index", equalTo(List.of(0, 1, 2)))
                .body("results.status", equalTo(List.of(202, 400, 202)))
                .body("results[0].signalId", equalTo(first))
                .body("results[1].errors.field", hasItems("signalId", "occurredAt", "purposes", "method"));

        assertThat(read(SIGNALS, subject, 2)).extracting(Signal::signalId).containsExactly(first, third);
    }

    @Test
    void oversizedBatchIsRefused() {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i <= 500; i++) {
            items.add(Map.of());
        }
        ingest().body(items).post("/v1/signals/batch").then().statusCode(413).body("errors[0].message",
                containsString("at most 500"));
    }

    @Test
    void gpcHeaderOneCreatesAGpcSignalOnTheGpcTopic() {
        String subject = "gpc-" + UUID.randomUUID();
        String signalId = given().header("Sec-GPC", "1").header("X-Subject-Id", subject)
                .header("CF-IPCountry", "US").header("CF-Region-Code", "CA").post("/v1/gpc").then()
                .statusCode(202).body("region", equalTo("US-CA")).extract().path("signalId");

        assertThat(read(GPC, subject, 1)).singleElement().satisfies(signal -> {
            assertThat(signal.signalId()).isEqualTo(signalId);
            assertThat(signal.kind()).isEqualTo(Signal.Kind.GPC);
            assertThat(signal.source()).isEqualTo(Signal.Source.BROWSER_GPC);
            assertThat(signal.method()).isEqualTo("header:Sec-GPC");
            assertThat(signal.region()).isEqualTo("US-CA");
        });
    }

    @Test
    void gpcPixelReadsTheSubjectFromTheCookieOrQuery() {
        String subject = "pixel-" + UUID.randomUUID();
        byte[] gif = given().header("Sec-GPC", "1").cookie("cr_sid", subject).get("/v1/gpc").then()
                .statusCode(200).contentType("image/gif").extract().asByteArray();
        assertThat(new String(gif, 0, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        given().header("Sec-GPC", "1").queryParam("sid", subject).get("/v1/gpc").then().statusCode(200);

        assertThat(read(GPC, subject, 2)).hasSize(2);
    }

    @Test
    void gpcHeaderZeroOrAbsentCreatesNothing() {
        String subject = "nogpc-" + UUID.randomUUID();
        given().header("Sec-GPC", "0").header("X-Subject-Id", subject).post("/v1/gpc").then().statusCode(204);
        given().header("X-Subject-Id", subject).post("/v1/gpc").then().statusCode(204);
        given().header("Sec-GPC", "0").queryParam("sid", subject).get("/v1/gpc").then().statusCode(204);

        assertThat(read(GPC, subject, 0)).isEmpty();
    }

    @Test
    void gpcWithoutSubjectIsRefused() {
        given().header("Sec-GPC", "1").post("/v1/gpc").then().statusCode(400).body("errors[0].field",
                equalTo("subjectId"));
    }

    @Test
    void wellKnownGpcResourceIsServed() {
        given().get("/.well-known/gpc.json").then().statusCode(200).contentType(ContentType.JSON)
                .body("gpc", equalTo(true)).body("lastUpdate", equalTo("2026-11-01"));
    }

    @Test
    void uspStringOptOutOfSaleBecomesASaleSharingOptOut() {
        String subject = "usp-" + UUID.randomUUID();
        ingest().body(Map.of("subjectId", subject, "region", "US-CA", "occurredAt",
                Instant.now().minusSeconds(5).toString(), "uspString", "1YYN")).post("/v1/signals/iab").then()
                .statusCode(202).body("purposes", equalTo(List.of("sale_sharing")));

        assertThat(read(SIGNALS, subject, 1)).singleElement().satisfies(signal -> {
            assertThat(signal.kind()).isEqualTo(Signal.Kind.OPT_OUT);
            assertThat(signal.purposes()).containsExactly("sale_sharing");
            assertThat(signal.method()).isEqualTo("iab:usp");
        });
    }

    @Test
    void iabStringsWithoutOptOutPublishNothingAndBadStringsAreRefused() {
        String subject = "gpp-" + UUID.randomUUID();
        ingest().body(Map.of("subjectId", subject, "occurredAt", Instant.now().toString(), "gppString",
                "DBABL~BVVqAAEABgA.QA")).post("/v1/signals/iab").then().statusCode(200)
                .body("published", equalTo(false));
        ingest().body(Map.of("subjectId", subject, "occurredAt", Instant.now().toString(), "uspString", "9ZZZ"))
                .post("/v1/signals/iab").then().statusCode(400).body("errors[0].field", equalTo("uspString"));

        assertThat(read(SIGNALS, subject, 0)).isEmpty();
    }

    @Test
    void ingestNeedsAKeyWithTheIngestRole() {
        Map<String, Object> body = optOut(UUID.randomUUID().toString(), "auth-" + UUID.randomUUID());
        given().contentType(ContentType.JSON).body(body).post("/v1/signals").then().statusCode(401)
                .header("WWW-Authenticate", containsString("X-API-Key"));
        given().contentType(ContentType.JSON).header("X-API-Key", "not-a-key").body(body)
                .post("/v1/signals").then().statusCode(401);
        given().contentType(ContentType.JSON).header("X-API-Key", "test-read-key").body(body).post("/v1/signals")
                .then().statusCode(403);
        given().contentType(ContentType.JSON).header("X-API-Key", "test-read-key").body(List.of(body))
                .post("/v1/signals/batch").then().statusCode(403);
        given().contentType(ContentType.JSON).header("X-API-Key", "test-admin-key").body(body).post("/v1/signals")
                .then().statusCode(202);
    }

    @Test
    void healthMetricsAndOpenApiNeedNoKey() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/v1/signals/batch"))
                .body(containsString("/v1/gpc"));
    }

    @Test
    void everyApiOperationIsDescribedWithAnExample() throws Exception {
        JsonNode paths = new ObjectMapper().readTree(given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString()).path("paths");
        List<String> operations = new ArrayList<>();
        paths.fields().forEachRemaining(path -> {
            if (!path.getKey().startsWith("/v1/")) {
                return;
            }
            path.getValue().fields().forEachRemaining(operation -> {
                String name = operation.getKey().toUpperCase() + " " + path.getKey();
                operations.add(name);
                assertThat(operation.getValue().path("summary").asText()).as("summary of %s", name).isNotBlank();
                assertThat(operation.getValue().toString()).as("an example in %s", name)
                        .containsPattern("\"examples?\"");
            });
        });
        assertThat(operations).contains("GET /v1/signals/{signalId}", "GET /v1/signals/{signalId}/propagation",
                "GET /v1/subjects/{subjectId}/consent", "GET /v1/subjects/{subjectId}/proof", "GET /v1/vendors",
                "PUT /v1/vendors/{vendorId}", "DELETE /v1/vendors/{vendorId}", "GET /v1/vendors/{vendorId}/backfill");
    }

    private static RequestSpecification ingest() {
        return given().contentType(ContentType.JSON).header("X-API-Key", "test-ingest-key");
    }

    private static Map<String, Object> optOut(String signalId, String subject) {
        return Map.of("signalId", signalId, "subjectId", subject, "kind", "OPT_OUT", "purposes",
                List.of("advertising"), "region", "US-CA", "method", "link", "occurredAt",
                Instant.now().minusSeconds(5).toString());
    }

    /**
     * The subject's records on a topic, read committed from the beginning: until {@code expected} were found, then
     * to the end of what was committed by then (so extra records would be seen). For {@code expected} 0, to the end
     * once.
     */
    private List<Signal> read(String topic, String subject, int expected) {
        List<Signal> values = new ArrayList<>();
        try (AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
                KafkaConsumer<String, ConsentSignal> consumer = new KafkaConsumer<>(
                        TestKafka.readCommittedConsumerConfig("ingest-verifier-" + UUID.randomUUID()),
                        new StringDeserializer(), serde.deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TestKafka.timeout().toNanos();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, ConsentSignal> record : consumer.poll(Duration.ofMillis(200))) {
                    if (subject.equals(record.key())) {
                        values.add(AvroMapper.toDomain(record.value()));
                    }
                }
                boolean atEnd = end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                if (atEnd && values.size() >= expected) {
                    break;
                }
                if (atEnd) {
                    end = consumer.endOffsets(partitions);
                }
            }
        }
        return values;
    }
}
