package dev.consentrelay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The run mode of the README: the packaged application started with {@code java -jar} and nothing configured comes
 * up on its own embedded Kafka broker, keeps its data under {@code ./data} of its working directory, and reports
 * ready. Runs after {@code package}, against {@code target/quarkus-app/quarkus-run.jar}, as a child process.
 */
class PackagedRunIT {

    /** How long the service may take to report ready, on a machine shared with the build. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** How long it may take after that for Kafka Streams to finish its first rebalance. */
    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 80;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path workDir;

    private static Path logFile;
    private static Process process;
    private static HttpClient http;
    private static URI base;

    @BeforeAll
    static void startPackagedApplication() throws IOException {
        Path target = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target");
        Path jar = target.resolve("quarkus-app").resolve("quarkus-run.jar");
        assertThat(jar).as("the packaged application; run `./mvnw verify -Dit.test=PackagedRunIT`, which packages"
                + " it first").isRegularFile();
        logFile = target.resolve("packaged-run-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".log");
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-Xmx384m", "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + port, "-Dconsent-relay.embedded.kafka-port=0", "-jar", jar.toString()))
                .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(logFile.toFile());
        // Nothing configured: a Kafka address inherited from the build's environment would defeat the point.
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        process = builder.start();

        awaitHealth("/q/health/ready", READY_TIMEOUT, health -> "UP".equals(health.path("status").asText()));
    }

    @AfterAll
    static void stopPackagedApplication() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldStartTheEmbeddedBrokerWhenNoKafkaIsConfigured() {
        assertThat(log()).as("log of the packaged run (%s)", logFile)
                .contains("No kafka.bootstrap.servers configured: running EMBEDDED");
    }

    @Test
    void shouldKeepTheBrokerDataUnderTheWorkingDirectory() {
        assertThat(workDir.resolve("data").resolve("kafka")).isDirectory();
        assertThat(workDir.resolve("data").resolve("kafka").resolve("meta.properties"))
                .as("the embedded broker formatted its storage there").isRegularFile();
    }

    @Test
    void shouldBringKafkaStreamsToRunning() {
        // Readiness holds while Streams is still rebalancing; processing starts once it is RUNNING.
        awaitHealth("/q/health/live", RUNNING_TIMEOUT, health -> {
            for (JsonNode check : health.path("checks")) {
                if ("Kafka Streams state health check".equals(check.path("name").asText())) {
                    return "RUNNING".equals(check.path("data").path("state").asText());
                }
            }
            return false;
        });
    }

    /** Polls a health endpoint until it answers 200 and {@code accepted} holds; fails with the process log's tail. */
    private static void awaitHealth(String path, Duration timeout, HealthCondition accepted) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET()
                .build();
        AtomicReference<String> lastAnswer = new AtomicReference<>("no answer yet");
        try {
            await(path + " of the packaged application").atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        if (!process.isAlive()) {
                            fail("The packaged application exited with status " + process.exitValue()
                                    + " before " + path + " was as expected. Last lines of " + logFile + ":\n"
                                    + logTail());
                        }
                        try {
                            HttpResponse<String> response = http.send(request,
                                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                            lastAnswer.set("HTTP " + response.statusCode() + " " + response.body());
                            return response.statusCode() == 200 && accepted.test(JSON.readTree(response.body()));
                        } catch (IOException notListeningYet) {
                            lastAnswer.set(notListeningYet.toString());
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            fail(path + " was not as expected within " + timeout.toSeconds() + " s; last answer: " + lastAnswer.get()
                    + "\nLast lines of " + logFile + ":\n" + logTail(), e);
        }
    }

    @FunctionalInterface
    private interface HealthCondition {
        boolean test(JsonNode health);
    }

    private static String log() {
        try {
            return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    private static String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
