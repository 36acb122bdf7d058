package dev.consentrelay.bench;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The service under test: the packaged jar started as a child JVM, the way an operator runs it, with Kafka, the
 * registry, the vendors file and the connector settings given as system properties.
 */
final class ServiceProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAMS_CHECK = "Kafka Streams state health check";
    private static final int LOG_TAIL_LINES = 60;

    private final List<String> command;
    private final Path workDir;
    private final Path logFile;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private ServiceProcess(List<String> command, Path workDir, Path logFile, URI base) {
        this.command = command;
        this.workDir = workDir;
        this.logFile = logFile;
        this.base = base;
    }

    /**
     * Prepares (does not start) the service.
     *
     * @param jar the packaged application
     * @param heap its {@code -Xmx}
     * @param jvmArgs extra JVM options
     * @param properties system properties of the service
     * @param workDir its working directory
     * @param logFile where its output goes (appended across restarts)
     */
    static ServiceProcess prepare(Path jar, String heap, List<String> jvmArgs, Map<String, String> properties,
            Path workDir,
            Path logFile) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The packaged application " + jar.toAbsolutePath()
                    + " is missing: run `./mvnw -B -DskipTests -Pbench package`, which packages it first");
        }
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+UseSerialGC");
        // Out of heap, a Kafka Streams thread dies and the rest of the process goes on: exit instead, so the run fails
        // with the log's last lines rather than waiting for a service that no longer restores or processes anything.
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.addAll(jvmArgs);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dconsent-relay.privacy.identifier-key=benchmark-identifier-key");
        command.add("-Dconsent-relay.internal.port=0");
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        Files.createDirectories(workDir);
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        return new ServiceProcess(List.copyOf(command), workDir, logFile, URI.create("http://127.0.0.1:" + port));
    }

    /** Starts the JVM; its output is appended to the log file. */
    void start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // Everything the service needs is on its command line; nothing is inherited by accident.
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        builder.environment().remove("CONSENT_RELAY_SCHEMA_REGISTRY_URL");
        process = builder.start();
    }

    /** Waits until Kafka Streams in the service reports RUNNING on {@code /q/health/live}. */
    void awaitStreamsRunning(Duration timeout) throws InterruptedException {
        awaitHealth("/q/health/live", response -> "RUNNING".equals(streamsState(response.body())), timeout,
                "Kafka Streams in the service was not RUNNING");
    }

    /** Waits until the process reports UP on {@code /q/health/ready} (a connector process has no Kafka Streams). */
    void awaitReady(Duration timeout) throws InterruptedException {
        awaitHealth("/q/health/ready", response -> response.statusCode() == 200, timeout, "The process was not ready");
    }

    /** Throws, with the last lines of the log, when the process is no longer running. */
    void failIfExited() {
        if (!process.isAlive()) {
            throw new IllegalStateException("The process exited with status " + process.exitValue()
                    + ". Last lines of " + logFile + ":\n" + logTail());
        }
    }

    private void awaitHealth(String path, Predicate<HttpResponse<String>> done, Duration timeout, String failure)
            throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            failIfExited();
            try {
                HttpResponse<String> response = http.send(request,
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                last = "HTTP " + response.statusCode() + " " + response.body();
                if (done.test(response)) {
                    return;
                }
            } catch (IOException notListeningYet) {
                last = notListeningYet.toString();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(failure + " within " + timeout.toSeconds() + " s; last answer: " + last
                + "\nLast lines of " + logFile + ":\n" + logTail());
    }

    private static String streamsState(String body) {
        JsonNode health;
        try {
            health = JSON.readTree(body);
        } catch (IOException notJson) {
            return "";
        }
        for (JsonNode check : health.path("checks")) {
            if (STREAMS_CHECK.equals(check.path("name").asText())) {
                return check.path("data").path("state").asText();
            }
        }
        return "";
    }

    /** Peak resident set size of the service so far ({@code VmHWM}), in bytes; empty where /proc is not there. */
    OptionalLong peakRssBytes() {
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** Stops the service as an orchestrator would (SIGTERM), then forcibly if it does not stop in time. */
    void stop(Duration grace) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    Path logFile() {
        return logFile;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(30));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
