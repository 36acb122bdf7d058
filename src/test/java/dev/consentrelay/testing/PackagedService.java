package dev.consentrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.core.ConditionTimeoutException;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}) started with {@code java -jar} in a working
 * directory of the test's, as the README runs it: with no Kafka configured it runs on its embedded broker with its data
 * under {@code ./data}. Each start writes its own log file; the process can be stopped with SIGTERM or SIGKILL and
 * started again on the same directory.
 */
public final class PackagedService implements AutoCloseable {

    /** How long a start may take on a machine shared with the build before the test gives up. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);
    private static final Pattern STARTED = Pattern.compile(
            "consent-relay started \\(role \\w+\\) in ([0-9.]+) s from process start");
    private static final int LOG_TAIL_LINES = 80;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final Path logFile;
    private final Process process;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PackagedService(Path workDir, Path logFile, Process process, URI base) {
        this.workDir = workDir;
        this.logFile = logFile;
        this.process = process;
        this.base = base;
    }

    /** Starts the packaged jar in {@code workDir} with the given system properties; does not wait. */
    public static PackagedService start(Path workDir, String name, Map<String, String> properties) {
        return start(workDir, name, properties, Map.of());
    }

    /**
     * Starts the packaged jar in {@code workDir} with the given system properties and environment variables (added
     * to this JVM's, whose {@code KAFKA_BOOTSTRAP_SERVERS} is dropped unless given); does not wait.
     */
    public static PackagedService start(Path workDir, String name, Map<String, String> properties,
            Map<String, String> environment) {
        Path jar = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                .resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The packaged application " + jar + " is missing; run the tests through"
                    + " `./mvnw verify`, which packages it first");
        }
        try {
            int port = freePort();
            Path logFile = jar.getParent().getParent().resolve("packaged-" + name + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                    "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Dquarkus.http.port=" + port,
                    "-Dconsent-relay.embedded.kafka-port=0", "-Dconsent-relay.internal.port=0"));
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            // Nothing configured: a Kafka address inherited from the build's environment would defeat the point.
            builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
            builder.environment().putAll(environment);
            return new PackagedService(workDir, logFile, builder.start(), URI.create("http://127.0.0.1:" + port));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the packaged application", e);
        }
    }

    /** Waits until {@code /q/health/started} is UP; fails with the log's tail if it is not or the process died. */
    public PackagedService awaitStarted() {
        awaitHealth("/q/health/started", START_TIMEOUT);
        return this;
    }

    /** Polls a health endpoint until it answers 200 with status UP. */
    public void awaitHealth(String path, Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("no answer yet");
        try {
            await(path + " of the packaged application").atMost(timeout).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        assertAlive(path);
                        try {
                            HttpResponse<String> response = get(path, Map.of());
                            last.set("HTTP " + response.statusCode() + " " + response.body());
                            return response.statusCode() == 200
                                    && "UP".equals(JSON.readTree(response.body()).path("status").asText());
                        } catch (UncheckedIOException notListeningYet) {
                            last.set(notListeningYet.getCause().toString());
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            fail(path + " was not UP within " + timeout.toSeconds() + " s; last answer: " + last.get() + "\nLast lines"
                    + " of " + logFile + ":\n" + logTail(), e);
        }
    }

    /** Seconds from process start to start-up complete, as the service logged it. */
    public double loggedStartSeconds() {
        Matcher matcher = STARTED.matcher(log());
        if (!matcher.find()) {
            fail("The service did not log its start-up time; last lines of " + logFile + ":\n" + logTail());
        }
        return Double.parseDouble(matcher.group(1));
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), headers);
    }

    public HttpResponse<String> post(String path, String json, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), headers);
    }

    /** Parses a JSON answer. */
    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + response.body(), e);
        }
    }

    /** Stops the process with SIGTERM and waits for it to exit. */
    public void stop() {
        process.destroy();
        awaitExit();
    }

    /** Kills the process with SIGKILL, as a crash or an OOM killer would. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** Everything the process has logged so far. */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    public String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Map<String, String> headers) {
        headers.forEach(request::header);
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void assertAlive(String waitingFor) {
        if (!process.isAlive()) {
            fail("The packaged application exited with status " + process.exitValue() + " while waiting for "
                    + waitingFor + ". Last lines of " + logFile + ":\n" + logTail());
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("The packaged application did not stop within " + STOP_TIMEOUT.toSeconds() + " s; last lines of "
                        + logFile + ":\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
