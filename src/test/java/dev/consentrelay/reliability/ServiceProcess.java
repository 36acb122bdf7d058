package dev.consentrelay.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as its own JVM with {@code -Xmx384m}, pointed at
 * the test broker and registry, with its Kafka Streams state in a directory the test owns. It can be killed with
 * SIGKILL, stopped gracefully, and started again on the same state directory.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final String registryUrl;
    private final Path stateDir;
    private final Path vendorsFile;
    private final Path logFile;
    private final Map<String, String> extraProperties;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private URI base;
    private int starts;

    public ServiceProcess(String bootstrapServers, String registryUrl, Path stateDir, Path vendorsFile, Path logDir,
            Map<String, String> extraProperties) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.stateDir = stateDir;
        this.vendorsFile = vendorsFile;
        this.logFile = logDir.resolve("service.log");
        this.extraProperties = Map.copyOf(extraProperties);
    }

    public static Path packagedJar() {
        Path jar = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                .resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The packaged application " + jar + " is missing; run the tests through"
                    + " `./mvnw verify`, which packages it first");
        }
        return jar;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** Starts the service and waits until it is ready and Kafka Streams is RUNNING. */
    public ServiceProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("The service is already running");
        }
        int port = Ports.free();
        base = URI.create("http://127.0.0.1:" + port);
        List<String> command = new ArrayList<>(List.of(Ports.java(), "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dkafka.bootstrap.servers=" + bootstrapServers,
                "-Dconsent-relay.schema-registry.url=" + registryUrl, "-Dkafka-streams.state.dir=" + stateDir,
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dconsent-relay.processing.vendors-file=" + vendorsFile,
                "-Dconsent-relay.privacy.identifier-key=reliability-identifier-key",
                "-Dconsent-relay.internal.port=0"));
        extraProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", packagedJar().toString()));
        try {
            Files.createDirectories(stateDir);
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "==== start " + (starts + 1) + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the service", e);
        }
        starts++;
        if (starts == 1) {
            // Never leave a child process behind, however the test JVM ends.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (process != null) {
                    process.destroyForcibly();
                }
            }, "reliability-service-stop"));
        }
        awaitRunning(READY_TIMEOUT);
        return this;
    }

    /** Waits until {@code /q/health/ready} is UP and the Kafka Streams health check reports RUNNING. */
    public void awaitRunning(Duration timeout) {
        Deadline deadline = Deadline.in(timeout);
        while (!("UP".equals(health("/q/health/ready").path("status").asText())
                && "RUNNING".equals(streamsState()))) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited with status " + process.exitValue()
                        + "; see " + logFile);
            }
            deadline.check("the service to be ready with Kafka Streams RUNNING (log: " + logFile + ")");
            deadline.pause(Duration.ofMillis(250));
        }
    }

    /** The state the Kafka Streams health check reports, or {@code null} when the service does not answer. */
    public String streamsState() {
        for (JsonNode check : health("/q/health/live").path("checks")) {
            if ("Kafka Streams state health check".equals(check.path("name").asText())) {
                return check.path("data").path("state").asText(null);
            }
        }
        return null;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no commit, no clean close of the state stores. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
    }

    /** SIGTERM: a graceful shutdown that commits and closes the state stores. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitForExit(Duration.ofSeconds(60))) {
            kill();
        }
    }

    /** Deletes the Kafka Streams state directory; only while stopped. */
    public void deleteStateDir() {
        if (isAlive()) {
            throw new IllegalStateException("Stop the service before deleting its state");
        }
        if (!Files.exists(stateDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + stateDir, e);
        }
    }

    public Path logFile() {
        return logFile;
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode health(String path) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
