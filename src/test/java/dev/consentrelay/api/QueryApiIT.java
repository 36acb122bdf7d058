package dev.consentrelay.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.IdentifierHasher;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.security.InstanceCredentials;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;
import dev.consentrelay.topology.StoreNames;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

/**
 * The query, proof and vendor admin endpoints against a real broker and registry, and a query forwarded between two
 * instances of the service: this one and the packaged application started as a second Kafka Streams instance of the
 * same application id, with its own {@code application.server}.
 */
@QuarkusTest
@TestProfile(QueryApiIT.FixedPort.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class QueryApiIT {

    static final int PORT = freePort();
    /** This instance's instance-to-instance port, which its application.server advertises. */
    static final int INTERNAL_PORT = freePort();
    /** The instance token of the test profile (application.properties), shared with the second instance. */
    static final String INSTANCE_TOKEN = "test-instance-token-0123456789";
    /** An admin key only the second instance knows: a caller's key that reaches the other instance would fail. */
    static final String SECOND_KEY = "second-instance-admin-key";

    /** The admin key of the test profile (application.properties), also given to the second instance. */
    static final String ADMIN_KEY = "test-admin-key";

    @BeforeEach
    void authenticate() {
        RestAssured.requestSpecification = new RequestSpecBuilder().addHeader("X-API-Key", ADMIN_KEY).build();
    }

    @AfterEach
    void forget() {
        RestAssured.requestSpecification = null;
    }

    /** A known HTTP port, so this instance's {@code application.server} names where it listens. */
    public static class FixedPort implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Loopback is no trusted proxy here (GpcCaptureIT), and the per-subject GPC limit is low.
            // Profile-qualified, as application.properties gives the test profile its own internal port (any free).
            return Map.of("quarkus.http.test-port", String.valueOf(PORT), "%test.consent-relay.internal.port",
                    String.valueOf(INTERNAL_PORT), "kafka-streams.application.server", "localhost:" + INTERNAL_PORT,
                    "%test.kafka-streams.application.server", "localhost:" + INTERNAL_PORT,
                    "consent-relay.ingest.gpc.trusted-proxies", "198.51.100.0/24",
                    "consent-relay.ingest.gpc.rate-limit-per-subject", "3");
        }
    }

    private static Process second;

    @Inject
    KafkaStreams streams;

    @Inject
    SchemaRegistryClient registry;

    @Inject
    InternalQueryListener listener;

    @ConfigProperty(name = "consent-relay.schema-registry.url")
    String registryUrl;

    @AfterAll
    static void stopSecond() throws InterruptedException {
        if (second != null) {
            second.destroy();
            if (!second.waitFor(30, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    @Test
    void shouldAnswerConsentWithEffectivePermissionsAndProofAsJsonAndHtml() {
        awaitRunning();
        String subject = "query-" + UUID.randomUUID();
        Signal optOut = optOut(subject, "US-CA", "email_marketing");
        publish(optOut);

        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().get("/v1/subjects/{id}/consent", subject)
                .then().statusCode(200).body("subjectId", equalTo(subject)).body("region", equalTo("US-CA"))
                .body("purposes.find { it.purpose == 'email_marketing' }.allowed", equalTo(false))
                .body("purposes.find { it.purpose == 'email_marketing' }.status", equalTo("DENIED"))
                .body("purposes.find { it.purpose == 'analytics' }.allowed", equalTo(true))
                .body("purposes.find { it.purpose == 'analytics' }.model", equalTo("OPT_OUT")));

        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().accept("application/json")
                .get("/v1/subjects/{id}/proof", subject).then().statusCode(200)
                .body("entries[0].signalId", equalTo(optOut.signalId()))
                .body("entries[0].decision.outcome", equalTo("APPLIED"))
                .body("entries[0].decision.policyVersion", equalTo("2026-11-01"))
                .body("entries[0].commands.vendorId", hasItem("mailer"))
                .body("entries[0].legalDeadlines.regime", hasItems("CCPA", "CAN_SPAM"))
                .body("entries[0].legalDeadlines.status", hasItem("PENDING")));

        given().accept("text/html").get("/v1/subjects/{id}/proof", subject).then().statusCode(200)
                .contentType(containsString("text/html")).body(containsString("Consent proof for " + subject))
                .body(containsString("CAN_SPAM"));
        given().get("/v1/subjects/{id}/proof?format=html", subject).then().statusCode(200)
                .contentType(containsString("text/html"));

        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().get("/v1/signals/{id}", optOut.signalId())
                .then().statusCode(200).body("signalId", equalTo(optOut.signalId()))
                .body("subjectId", equalTo(subject)).body("kind", equalTo("OPT_OUT"))
                .body("region", equalTo("US-CA")).body("decision.outcome", equalTo("APPLIED"))
                .body("decision.policyVersion", equalTo("2026-11-01"))
                .body("decision.changes.find { it.purpose == 'email_marketing' }.allowedAfter", equalTo(false))
                .body("propagation.vendors.vendorId", hasItem("mailer"))
                .body("state", anyOf(equalTo("PROPAGATING"), equalTo("PROPAGATED"))));
    }

    @Test
    void afterAnErasureTheRowAndTheProofHoldNoRawIdentifierAndTheProofStillShowsEveryDecisionAndCommand() {
        awaitRunning();
        String subject = "erased-" + UUID.randomUUID();
        Signal generic = optOut(subject, "US-CA", "email_marketing");
        Signal optOut = new Signal(generic.signalId(), subject,
                List.of(new SubjectIdentifier("device_id", "device-to-erase-7f3a"),
                        new SubjectIdentifier("crm_id", "crm-to-erase-91c2")),
                generic.kind(), generic.purposes(), generic.region(), generic.source(), generic.method(),
                generic.policyVersion(), generic.occurredAt(), null, false);
        publish(optOut);
        Signal erasure = new Signal(UUID.randomUUID().toString(), subject, optOut.identifiers(),
                Signal.Kind.ERASURE, Set.of(), "US-CA", Signal.Source.SUPPORT, "ticket", "2026-11-01", Instant.now(),
                null, false);
        publish(erasure);

        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().get("/v1/subjects/{id}/consent", subject)
                .then().statusCode(200).body("erasedAt", org.hamcrest.Matchers.notNullValue())
                .body("identifiers.value", org.hamcrest.Matchers.everyItem(
                        org.hamcrest.Matchers.startsWith(IdentifierHasher.PREFIX))));
        await().atMost(TestKafka.timeout()).untilAsserted(() -> {
            String proof = given().accept("application/json").get("/v1/subjects/{id}/proof", subject).then()
                    .statusCode(200).body("entries.signalId", hasItems(optOut.signalId(), erasure.signalId()))
                    .body("entries.find { it.signalId == '%s' }.commands.action".formatted(erasure.signalId()),
                            hasItem("DELETE"))
                    .extract().asString();
            for (SubjectIdentifier raw : optOut.identifiers()) {
                assertThat(proof).doesNotContain(raw.value());
            }
            assertThat(given().accept("text/html").get("/v1/subjects/{id}/proof", subject).asString())
                    .doesNotContain("device-to-erase-7f3a", "crm-to-erase-91c2").contains(erasure.signalId());
        });
    }

    @Test
    void theInstancePortAnswersOnlyAnInstanceAndThePublicPortIgnoresAForgedInstanceMark() throws Exception {
        awaitRunning();
        HttpClient http = HttpClient.newHttpClient();
        // The listener's own port: the profile's INTERNAL_PORT was drawn in the class as JUnit loaded it.
        int internalPort = listener.port();
        URI consent = URI.create("http://localhost:" + internalPort + "/v1/subjects/someone/consent");

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(consent).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> withAnApiKey = http.send(HttpRequest.newBuilder(consent).header("X-API-Key", ADMIN_KEY)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + internalPort
                + "/v1/vendors/x")).header(InstanceCredentials.TOKEN_HEADER, INSTANCE_TOKEN)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> asInstance = http.send(HttpRequest.newBuilder(consent)
                .header(InstanceCredentials.TOKEN_HEADER, INSTANCE_TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("consent-relay.internal.token");
        assertThat(withAnApiKey.statusCode()).as("a caller's key is no instance credential").isEqualTo(401);
        assertThat(write.statusCode()).as("the channel only reads").isEqualTo(405);
        assertThat(asInstance.statusCode()).as(asInstance.body()).isEqualTo(404);
        assertThat(asInstance.body()).contains("No consent record");
        RestAssured.requestSpecification = null;
        given().header(InstanceCredentials.LOOPBACK_HEADER, "guessed").get("/v1/subjects/{id}/consent", "someone")
                .then().statusCode(401);
    }

    @Test
    void aGpcOnALinkedDeviceReachesTheAccountThroughTheHttpApi() {
        awaitRunning();
        String account = "account-" + UUID.randomUUID();
        String device = "device-" + UUID.randomUUID();
        String at = Instant.now().minusSeconds(30).toString();
        RestAssured.requestSpecification = null;
        given().header("X-API-Key", "test-ingest-key").contentType("application/json").body("""
                {"signalId": "%s", "subjectId": "%s", "kind": "OPT_IN", "purposes": ["email_marketing"],
                 "region": "US-CA", "method": "toggle", "occurredAt": "%s"}""".formatted(UUID.randomUUID(), account,
                at)).post("/v1/signals").then()
                .statusCode(202);
        given().header("X-API-Key", "test-ingest-key").contentType("application/json").body("""
                {"signalId": "%s", "subjectId": "%s", "kind": "LINK", "linkedSubjectId": "%s", "region": "US-CA",
                 "method": "login", "occurredAt": "%s"}""".formatted(UUID.randomUUID(), device, account, at))
                .post("/v1/signals").then().statusCode(202);
        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().header("X-API-Key", ADMIN_KEY)
                .get("/v1/subjects/{id}/consent", device).then().statusCode(200));

        given().header("Sec-GPC", "1").header("X-Subject-Id", device).post("/v1/gpc").then().statusCode(202);
        authenticate();

        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().get("/v1/subjects/{id}/consent", account)
                .then().statusCode(200)
                .body("purposes.find { it.purpose == 'advertising' }.allowed", equalTo(false))
                .body("purposes.find { it.purpose == 'advertising' }.status", equalTo("DENIED"))
                .body("purposes.find { it.purpose == 'advertising' }.source", equalTo("LINK"))
                .body("purposes.find { it.purpose == 'email_marketing' }.status", equalTo("GRANTED")));
    }

    @Test
    void shouldAnswer404ForAnUnknownSubject() {
        awaitRunning();
        given().get("/v1/subjects/{id}/consent", "nobody-" + UUID.randomUUID()).then().statusCode(404)
                .body("message", containsString("No consent record"));
        given().get("/v1/subjects/{id}/proof", "nobody-" + UUID.randomUUID()).then().statusCode(404);
        given().get("/v1/signals/{id}", UUID.randomUUID()).then().statusCode(404)
                .body("message", containsString("No decision recorded"));
        given().get("/v1/signals/{id}", "not-a-uuid").then().statusCode(400)
                .body("message", containsString("signalId must be a UUID"));
    }

    @Test
    void shouldManageVendorsAndBackfillANewOne() {
        awaitRunning();
        given().get("/v1/vendors").then().statusCode(200).body("id", hasItems("adnet", "mailer"));

        given().contentType("application/json").body("{\"id\":\"other\",\"purposes\":[\"nope\"],\"sla\":\"soon\","
                + "\"actions\":[\"FLY\"]}").put("/v1/vendors/crm").then().statusCode(400)
                .body("problems", hasItem(containsString("purposes: unknown purpose 'nope'")))
                .body("problems", hasItem(containsString("sla:"))).body("problems", hasItem(containsString(
                        "actions: 'FLY'")))
                .body("problems", hasItem(containsString("does not match the path")));
        // A deadline is receipt time plus SLA: an SLA no deadline can hold is refused, not stored.
        given().contentType("application/json").body("{\"id\":\"ovf\",\"purposes\":[\"advertising\"],"
                + "\"sla\":\"9223372036854775807ms\"}").put("/v1/vendors/ovf").then().statusCode(400)
                .body("problems", hasItem(containsString("sla: at most 366 days")));
        given().get("/v1/vendors").then().statusCode(200).body("id", org.hamcrest.Matchers.not(hasItem("ovf")));
        given().delete("/v1/vendors/{id}", "no-such-vendor").then().statusCode(404);

        String denied = "backfill-" + UUID.randomUUID();
        publish(optOut(denied, "US-CA", "profiling"));
        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().get("/v1/subjects/{id}/consent", denied)
                .then().statusCode(200));

        String vendorId = "crm-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/json").body("{\"id\":\"" + vendorId + "\",\"name\":\"CRM\","
                + "\"purposes\":[\"profiling\"],\"actions\":[\"SUPPRESS\"],\"sla\":\"1h\"}")
                .put("/v1/vendors/{id}", vendorId).then().statusCode(201).body("id", equalTo(vendorId));
        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().get("/v1/vendors/{id}/backfill", vendorId)
                .then().statusCode(200).body("done", equalTo(true)));
        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().accept("application/json")
                .get("/v1/subjects/{id}/proof", denied).then().statusCode(200)
                .body("entries.type", hasItem("VENDOR_BACKFILL")));

        given().delete("/v1/vendors/{id}", vendorId).then().statusCode(200).body("enabled", equalTo(false));
        await().atMost(TestKafka.timeout()).untilAsserted(() -> given().get("/v1/vendors").then()
                .body("find { it.id == '" + vendorId + "' }.enabled", equalTo(false)));
    }

    @Test
    void shouldForwardAQueryToTheInstanceThatOwnsTheSubject() throws Exception {
        awaitRunning();
        int secondPort = freePort();
        int secondInternalPort = freePort();
        startSecondInstance(secondPort, secondInternalPort);
        HostInfo other = new HostInfo("localhost", secondInternalPort);
        await().atMost(Duration.ofMinutes(3)).until(() -> streams.state() == KafkaStreams.State.RUNNING
                && streams.metadataForAllStreamsClients().stream().anyMatch(m -> m.hostInfo().equals(other))
                && streams.metadataForAllStreamsClients().stream()
                        .filter(m -> m.stateStoreNames().contains(StoreNames.CONSENT_TABLE)).count() == 2);

        List<String> subjects = new ArrayList<>();
        List<String> signals = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String subject = "fwd-" + i + "-" + UUID.randomUUID();
            subjects.add(subject);
            Signal signal = optOut(subject, "US-CA", "email_marketing");
            signals.add(signal.signalId());
            publish(signal);
        }
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            // The assignor may give every consent-table partition to one instance: then one direction is shown.
            assertThat(ownedBy(subjects, other)).as("a subject on the second instance").isNotNull();
            for (String subject : subjects) {
                given().get("/v1/subjects/{id}/consent", subject).then().statusCode(200)
                        .body("subjectId", equalTo(subject));
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + secondPort + "/v1/subjects/" + subject + "/consent")).header("X-API-Key", SECOND_KEY)
                        .GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("\"subjectId\":\"" + subject + "\"");
            }
            // A signal's status lives in its subject's task. Under its subject, asked of both instances, each
            // answers, from its store or through the owner; by signal id alone, an instance that does not hold it
            // asks the other.
            for (int i = 0; i < signals.size(); i++) {
                String signalId = signals.get(i);
                given().get("/v1/subjects/{subject}/signals/{id}", subjects.get(i), signalId).then().statusCode(200)
                        .body("signalId", equalTo(signalId)).body("subjectId", equalTo(subjects.get(i)));
                HttpResponse<String> bySubject = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + secondPort + "/v1/subjects/" + subjects.get(i) + "/signals/" + signalId))
                        .header("X-API-Key", SECOND_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(bySubject.statusCode()).as(bySubject.body()).isEqualTo(200);
                given().get("/v1/signals/{id}", signalId).then().statusCode(200).body("signalId", equalTo(signalId))
                        .body("decision.outcome", equalTo("APPLIED"));
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + secondPort + "/v1/signals/" + signalId)).header("X-API-Key", SECOND_KEY).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("\"signalId\":\"" + signalId + "\"");
                given().get("/v1/signals/{id}/propagation", signalId).then().statusCode(200)
                        .body("vendors.vendorId", hasItem("mailer"));
                HttpResponse<String> propagation = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + secondPort + "/v1/signals/" + signalId + "/propagation")).header("X-API-Key", SECOND_KEY)
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(propagation.statusCode()).as(propagation.body()).isEqualTo(200);
                assertThat(propagation.body()).contains("\"vendorId\":\"mailer\"");
            }
        });
    }

    @Test
    void shouldRequireAReadKeyForQueriesAndAnAdminKeyForVendorChanges() {
        RestAssured.requestSpecification = null;
        given().get("/v1/subjects/{id}/consent", "anyone").then().statusCode(401);
        given().get("/v1/signals/{id}", UUID.randomUUID()).then().statusCode(401);
        given().header("X-API-Key", "test-ingest-key").get("/v1/signals/{id}", UUID.randomUUID()).then()
                .statusCode(403);
        given().header("X-API-Key", "test-ingest-key").get("/v1/subjects/{id}/consent", "anyone").then()
                .statusCode(403);
        given().header("X-API-Key", "test-read-key").get("/v1/vendors").then().statusCode(200);
        given().header("X-API-Key", "test-read-key").contentType("application/json").body("{}")
                .put("/v1/vendors/{id}", "someone").then().statusCode(403);
        given().header("X-API-Key", "test-read-key").delete("/v1/vendors/{id}", "someone").then().statusCode(403);
    }

    private String ownedBy(List<String> subjects, HostInfo host) {
        return subjects.stream().filter(s -> host.equals(streams.queryMetadataForKey(StoreNames.CONSENT_TABLE, s,
                Serdes.String().serializer()).activeHost())).findFirst().orElse(null);
    }

    private void startSecondInstance(int port, int internalPort) throws IOException {
        Path target = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target");
        Path jar = target.resolve("quarkus-app").resolve("quarkus-run.jar");
        assertThat(jar).as("the packaged application (run through `./mvnw verify`)").isRegularFile();
        Path work = Files.createTempDirectory("consent-relay-second");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        second = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + port, "-Dkafka.bootstrap.servers=" + TestKafka.bootstrapServers(),
                "-Dconsent-relay.schema-registry.url=" + registryUrl,
                "-Dconsent-relay.internal.port=" + internalPort,
                "-Dkafka-streams.application.server=localhost:" + internalPort,
                "-Dconsent-relay.internal.token=" + INSTANCE_TOKEN,
                "-Dconsent-relay.api.keys.second-admin.key=" + SECOND_KEY,
                "-Dconsent-relay.api.keys.second-admin.roles=admin",
                "-Dconsent-relay.privacy.identifier-key=test-identifier-key-0123456789",
                "-Dkafka-streams.state.dir=" + work.resolve("streams"), "-jar", jar.toString()))
                .directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(target.resolve("query-second-instance.log").toFile()).start();
    }

    private void awaitRunning() {
        await().atMost(TestKafka.timeout()).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }

    private static Signal optOut(String subject, String region, String purpose) {
        return new Signal(UUID.randomUUID().toString(), subject,
                List.of(new SubjectIdentifier("email_sha256",
                        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
                        new SubjectIdentifier("device_id", "d-1")),
                Signal.Kind.OPT_OUT, Set.of(purpose), region, Signal.Source.PREFERENCE_CENTER, "toggle", "2026-11-01",
                Instant.now().minusSeconds(1), null, false);
    }

    private void publish(Signal signal) {
        Map<String, Object> config = TestKafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
                KafkaProducer<String, ConsentSignal> producer = new KafkaProducer<>(config,
                        new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>("consent.signals.v1", signal.subjectId(), AvroMapper.toAvro(signal)));
            producer.flush();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
