package dev.consentrelay;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.consentrelay.testing.PackagedService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The run mode of the README on the packaged jar: nothing configured, so the service runs on its embedded broker and
 * keeps everything under {@code ./data} of its working directory, and what it stored answers the same after a restart,
 * whether the process was stopped (SIGTERM) or killed (SIGKILL). Each test has its own working directory.
 */
class PackagedRunIT {

    /**
     * Start of the packaged jar to start-up complete (Kafka Streams RUNNING, stores queryable) on this machine kind is
     * 8-15 s; the bound is below Kafka's 45 s session timeout, so waiting out a member that never left fails.
     */
    private static final double MAX_START_SECONDS = 30;
    private static final Duration DECIDED_TIMEOUT = Duration.ofSeconds(60);
    private static final String ADMIN_KEY = "packaged-run-admin-key";
    private static final Map<String, String> AUTH = Map.of("X-API-Key", ADMIN_KEY);

    @TempDir
    Path workDir;

    private HttpServer vendor;
    private final AtomicInteger vendorRequests = new AtomicInteger();
    private PackagedService service;

    @BeforeEach
    void startVendor() throws IOException {
        vendor = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        vendor.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
            }
            vendorRequests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        vendor.start();
    }

    @AfterEach
    void stopAll() {
        if (service != null) {
            service.close();
        }
        vendor.stop(0);
    }

    @Test
    void shouldAnswerAsBeforeAfterAStopWithSigterm() throws IOException {
        shouldAnswerAsBeforeAfterARestart("sigterm", PackagedService::stop);
    }

    @Test
    void shouldAnswerAsBeforeAfterAKillWithSigkill() throws IOException {
        shouldAnswerAsBeforeAfterARestart("sigkill", PackagedService::kill);
    }

    private void shouldAnswerAsBeforeAfterARestart(String name, java.util.function.Consumer<PackagedService> end)
            throws IOException {
        Map<String, String> properties = withVendor();
        service = PackagedService.start(workDir, name + "-1", properties).awaitStarted();
        assertThat(service.log()).contains("No kafka.bootstrap.servers configured: running EMBEDDED")
                .contains("schema registry kafka://");
        assertThat(workDir.resolve("data/kafka/meta.properties")).as("the broker's storage under ./data")
                .isRegularFile();
        List<String> subjects = List.of("restart-1", "restart-2", "restart-3");
        Map<String, JsonNode> consentBefore = new HashMap<>();
        Map<String, String> signals = new HashMap<>();
        for (String subject : subjects) {
            signals.put(subject, postOptOut(subject));
        }
        for (String subject : subjects) {
            awaitPropagated(signals.get(subject));
            consentBefore.put(subject, consent(subject).path("purposes"));
        }
        assertThat(vendorRequests.get()).as("one SUPPRESS per opt-out reached the vendor").isEqualTo(subjects.size());

        end.accept(service);
        service = PackagedService.start(workDir, name + "-2", properties).awaitStarted();

        double startSeconds = service.loggedStartSeconds();
        assertThat(startSeconds).as("start to RUNNING after a restart (%s)", service.logFile())
                .isLessThan(MAX_START_SECONDS);
        for (String subject : subjects) {
            assertThat(consent(subject).path("purposes")).as("consent of %s after the restart", subject)
                    .isEqualTo(consentBefore.get(subject));
            HttpResponse<String> proof = service.get("/v1/subjects/" + subject + "/proof", AUTH);
            assertThat(proof.statusCode()).as(proof.body()).isEqualTo(200);
            String location = signals.get(subject);
            assertThat(proof.body()).contains(location.substring(location.lastIndexOf('/') + 1));
            HttpResponse<String> status = service.get(location, AUTH);
            assertThat(status.statusCode()).as("signal status after the restart: %s", status.body()).isEqualTo(200);
            assertThat(PackagedService.json(status).path("state").asText()).isEqualTo("PROPAGATED");
        }
        String after = postOptOut("restart-4");
        awaitPropagated(after);
        assertThat(service.log()).as("log of the restarted service (%s)", service.logFile())
                .doesNotContain("SerializationException").doesNotContain("replacing it")
                .doesNotContain("STOPPING");
        System.out.printf("%s restart: started in %.1f s from process start%n", name, startSeconds);
    }

    @Test
    void shouldAnswerTheReadmeExamplesInOrderOnAFreshStart() throws IOException {
        service = PackagedService.start(workDir, "fresh", Map.of());
        // As a user does: wait for readiness, then run the README's commands one after the other.
        service.awaitHealth("/q/health/ready", PackagedService.START_TIMEOUT);
        String key = generatedKey(service.log());
        Map<String, String> auth = Map.of("X-API-Key", key);
        assertThat(service.get("/q/metrics", Map.of()).statusCode()).isEqualTo(200);
        HttpResponse<String> posted = service.post("/v1/signals", readmeSignal(), auth);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        await("the README's subject is decided").atMost(DECIDED_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    HttpResponse<String> consent = service.get("/v1/subjects/user-42/consent", auth);
                    assertThat(consent.statusCode()).as("never 503 once ready: %s", consent.body()).isNotEqualTo(503);
                    return consent.statusCode() == 200 && !allowed(PackagedService.json(consent), "advertising");
                });
        HttpResponse<String> gpc = service.post("/v1/gpc", "", Map.of("Sec-GPC", "1", "X-Subject-Id", "subj-42",
                "CF-IPCountry", "US", "CF-Region-Code", "CA"));
        assertThat(gpc.statusCode()).as(gpc.body()).isEqualTo(202);
        assertThat(PackagedService.json(gpc).path("region").asText()).isEqualTo("US-CA");
        // The preference centre's demo link, as the README tells a user to open it.
        Matcher demo = Pattern.compile("http://localhost:\\d+(/preferences/\\?s=demo-subject\\S+)")
                .matcher(service.log());
        assertThat(demo.find()).as("the embedded mode prints a preference link:\n%s", service.log()).isTrue();
        assertThat(service.get(demo.group(1), Map.of()).statusCode()).isEqualTo(200);
        HttpResponse<String> view = service.get(demo.group(1).replace("/preferences/?", "/v1/preferences?"),
                Map.of());
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        assertThat(PackagedService.json(view).path("subjectId").asText()).isEqualTo("demo-subject");
        assertThat(service.loggedStartSeconds()).isLessThan(MAX_START_SECONDS);
    }

    private Map<String, String> withVendor() throws IOException {
        Path vendors = workDir.resolve("vendors.yaml");
        Files.writeString(vendors, """
                vendors:
                  - id: mailer
                    name: Mailer
                    purposes: [email_marketing, advertising]
                    regions: []
                    actions: [SUPPRESS, DELETE, RESUME]
                    sla: 5m
                """);
        Map<String, String> properties = new HashMap<>();
        properties.put("consent-relay.processing.vendors-file", vendors.toString());
        properties.put("consent-relay.connectors.vendors.mailer.adapter", "webhook");
        properties.put("consent-relay.connectors.vendors.mailer.url",
                "http://127.0.0.1:" + vendor.getAddress().getPort() + "/consent");
        properties.put("consent-relay.connectors.vendors.mailer.secret", "packaged-run-secret");
        properties.put("consent-relay.connectors.vendors.mailer.insecure", "true");
        properties.put("consent-relay.api.keys.it.key", ADMIN_KEY);
        properties.put("consent-relay.api.keys.it.roles", "ingest,read,admin");
        return properties;
    }

    private String postOptOut(String subject) {
        String signalId = UUID.randomUUID().toString();
        HttpResponse<String> response = service.post("/v1/signals", """
                {"signalId": "%s", "subjectId": "%s", "kind": "OPT_OUT", "purposes": ["advertising"],
                 "region": "US-CA", "source": "PREFERENCE_CENTER", "method": "toggle", "policyVersion": "2026-11-01",
                 "occurredAt": "2026-11-23T10:00:00Z", "identifiers": [{"type": "device_id", "value": "d-%s"}]}
                """.formatted(signalId, subject, subject), AUTH);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("/v1/subjects/" + subject + "/signals/" + signalId);
        return URI.create(location).getRawPath();
    }

    /** Waits until the signal status at {@code location} (a 202's) says every vendor answered. */
    private void awaitPropagated(String location) {
        await("signal " + location + " PROPAGATED").atMost(DECIDED_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    HttpResponse<String> status = service.get(location, AUTH);
                    return status.statusCode() == 200
                            && "PROPAGATED".equals(PackagedService.json(status).path("state").asText());
                });
    }

    private JsonNode consent(String subject) {
        HttpResponse<String> response = service.get("/v1/subjects/" + subject + "/consent", AUTH);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return PackagedService.json(response);
    }

    private static boolean allowed(JsonNode consent, String purpose) {
        for (JsonNode entry : consent.path("purposes")) {
            if (purpose.equals(entry.path("purpose").asText())) {
                return entry.path("allowed").asBoolean();
            }
        }
        throw new AssertionError("No purpose " + purpose + " in " + consent);
    }

    /** The admin key the embedded mode generates and prints, as a user copies it from the log. */
    private static String generatedKey(String log) {
        Matcher matcher = Pattern.compile("X-API-Key: (\\S+)").matcher(log);
        assertThat(matcher.find()).as("the embedded mode prints its generated key:\n%s", log).isTrue();
        return matcher.group(1);
    }

    /** The signal of the README's run section, character for character. */
    private static String readmeSignal() {
        try {
            String readme = Files.readString(Path.of(System.getProperty("basedir", "")).resolve("README.md"));
            Matcher matcher = Pattern.compile("-d '(\\{\\s*\"signalId\".*?\\})'", Pattern.DOTALL).matcher(readme);
            assertThat(matcher.find()).as("the README posts a signal with curl -d '{...}'").isTrue();
            return matcher.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
