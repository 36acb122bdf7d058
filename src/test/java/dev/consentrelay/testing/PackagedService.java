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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.core.ConditionTimeoutException;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as its own JVM, the way an operator runs it: the
 * one launcher of the packaged-run tests, the chart test, the reliability suite and the benchmark. Configured once
 * ({@link #in}), it can be started, stopped with SIGTERM, killed with SIGKILL and started again on the same
 * directories; each start listens on a new free port and appends to the same log (which the first start empties).
 */
public final class PackagedService implements AutoCloseable {

    /** How long a start may take on a machine shared with the build before the test gives up. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern STARTED = Pattern.compile(
            "consent-relay started \\(role \\w+\\) in ([0-9.]+) s from process start");
    private static final String STREAMS_CHECK = "Kafka Streams state health check";
    private static final int LOG_TAIL_LINES = 80;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final Path logFile;
    private final List<String> jvm;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Path jar;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private URI base;
    private int starts;

    private PackagedService(Builder builder) {
        this.workDir = builder.workDir;
        this.logFile = builder.logFile;
        this.jvm = List.copyOf(builder.jvm);
        this.properties = Map.copyOf(builder.properties);
        this.environment = Map.copyOf(builder.environment);
        this.jar = builder.jar;
    }

    /** A service whose working directory is {@code workDir}; nothing runs until {@link Builder#start()}. */
    public static Builder in(Path workDir) {
        return new Builder(workDir);
    }

    /** Starts the packaged jar in {@code workDir} with the given system properties; does not wait. */
    public static PackagedService start(Path workDir, String name, Map<String, String> properties) {
        return in(workDir).name(name).properties(properties).start();
    }

    /**
     * Starts the packaged jar in {@code workDir} with the given system properties and environment variables (added
     * to this JVM's, whose {@code KAFKA_BOOTSTRAP_SERVERS} is dropped unless given); does not wait.
     */
    public static PackagedService start(Path workDir, String name, Map<String, String> properties,
            Map<String, String> environment) {
        return in(workDir).name(name).properties(properties).environment(environment).start();
    }

    /** The packaged application, which {@code ./mvnw verify} (or the bench profile) builds before the tests. */
    public static Path packagedJar() {
        Path jar = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                .resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The packaged application " + jar + " is missing; run the tests through"
                    + " `./mvnw verify` (or the benchmark through `-Pbench package`), which packages it first");
        }
        return jar;
    }

    /** How the service is run. */
    public static final class Builder {

        private static final String SERIAL_GC = "-XX:+UseSerialGC";

        private final Path workDir;
        private Path logFile;
        private final List<String> jvm = new ArrayList<>(List.of("-Xmx384m", SERIAL_GC,
                // Out of heap, a Kafka Streams thread dies and the rest of the process goes on: exit instead, so a
                // test fails with the log's last lines rather than waiting for a service that does nothing.
                "-XX:+ExitOnOutOfMemoryError"));
        private final Map<String, String> properties = new LinkedHashMap<>(Map.of(
                "consent-relay.embedded.kafka-port", "0", "consent-relay.internal.port", "0",
                "quarkus.http.host", "127.0.0.1"));
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path jar;

        private Builder(Path workDir) {
            this.workDir = workDir;
        }

        /** Names the log, {@code target/packaged-<name>.log}. */
        public Builder name(String name) {
            this.logFile = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                    .resolve("target/packaged-" + name + ".log");
            return this;
        }

        /** Where the output goes (appended across starts). */
        public Builder logFile(Path file) {
            this.logFile = file;
            return this;
        }

        /** The {@code -Xmx} of the service (384m unless given). */
        public Builder heap(String heap) {
            jvm.set(0, "-Xmx" + heap);
            return this;
        }

        /** Extra JVM options; one that selects a garbage collector replaces the default serial collector. */
        public Builder jvmArgs(List<String> args) {
            if (args.stream().anyMatch(arg -> arg.matches("-XX:\\+Use\\w+GC"))) {
                jvm.remove(SERIAL_GC);
            }
            jvm.addAll(args);
            return this;
        }

        /** System properties of the service (over the defaults: loopback host, any free internal port). */
        public Builder properties(Map<String, String> values) {
            properties.putAll(values);
            return this;
        }

        /** Environment variables added to this JVM's. */
        public Builder environment(Map<String, String> values) {
            environment.putAll(values);
            return this;
        }

        /** Another packaged jar than this build's. */
        public Builder jar(Path packaged) {
            this.jar = packaged;
            return this;
        }

        /** The configured service, not started. */
        public PackagedService prepare() {
            if (logFile == null) {
                name(workDir.getFileName().toString());
            }
            if (jar == null) {
                jar = packagedJar();
            } else if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("The packaged application " + jar.toAbsolutePath() + " is missing");
            }
            return new PackagedService(this);
        }

        /** The configured service, started; does not wait for it. */
        public PackagedService start() {
            return prepare().start();
        }
    }

    /** Starts the JVM (again, after a stop or a kill) on a new free port; does not wait. */
    public PackagedService start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("The service is already running");
        }
        try {
            int port = freePort();
            base = URI.create("http://127.0.0.1:" + port);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvm);
            command.add("-Dquarkus.http.port=" + port);
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            if (starts == 0) {
                // A log of an earlier run of the tests is not this service's.
                Files.deleteIfExists(logFile);
            }
            Files.writeString(logFile, "==== start " + (starts + 1) + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            // Everything the service needs is on its command line: a Kafka or registry address inherited from the
            // build's environment would defeat the point.
            builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
            builder.environment().remove("CONSENT_RELAY_SCHEMA_REGISTRY_URL");
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the packaged application", e);
        }
        if (starts++ == 0) {
            // Never leave a child process behind, however the test JVM ends.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (process != null) {
                    process.destroyForcibly();
                }
            }, "packaged-service-stop"));
        }
        return this;
    }

    /** Waits until {@code /q/health/started} is UP; fails with the log's tail if it is not or the process died. */
    public PackagedService awaitStarted() {
        awaitHealth("/q/health/started", START_TIMEOUT);
        return this;
    }

    /** Polls a health endpoint until it answers 200 with status UP. */
    public void awaitHealth(String path, Duration timeout) {
        awaitAnswer(path, response -> response.statusCode() == 200
                && "UP".equals(json(response).path("status").asText()), timeout);
    }

    /** Waits until Kafka Streams in the service reports RUNNING (a connector-only process has none). */
    public void awaitStreamsRunning(Duration timeout) {
        awaitAnswer("/q/health/live", response -> "RUNNING".equals(streamsState(response.body())), timeout);
    }

    /** The state the Kafka Streams health check reports, or {@code null} when the service does not answer. */
    public String streamsState() {
        try {
            return streamsState(get("/q/health/live", Map.of()).body());
        } catch (UncheckedIOException notListening) {
            return null;
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

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Fails, with the last lines of the log, when the process is no longer running. */
    public void failIfExited() {
        if (process != null && !process.isAlive()) {
            fail("The packaged application exited with status " + process.exitValue() + ". Last lines of " + logFile
                    + ":\n" + logTail());
        }
    }

    /** The running process's id; empty before it starts or after it exits. */
    public OptionalLong pid() {
        return isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** Peak resident set size of the process so far ({@code VmHWM}), in bytes; empty where /proc is not there. */
    public OptionalLong peakRssBytes() {
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

    /** SIGTERM, as an orchestrator stops a pod: a graceful shutdown that commits and closes the state stores. */
    public void stop() {
        if (isAlive()) {
            process.destroy();
            awaitExit();
        }
    }

    /** SIGKILL, as a crash or an OOM killer would: no shutdown hook, no commit, no clean close of the stores. */
    public void kill() {
        if (isAlive()) {
            process.destroyForcibly();
            awaitExit();
        }
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
        stop();
    }

    private void awaitAnswer(String path, Predicate<HttpResponse<String>> done, Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("no answer yet");
        try {
            await(path + " of the packaged application").atMost(timeout).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        failIfExited();
                        try {
                            HttpResponse<String> response = get(path, Map.of());
                            last.set("HTTP " + response.statusCode() + " " + response.body());
                            return done.test(response);
                        } catch (UncheckedIOException notListeningYet) {
                            last.set(String.valueOf(notListeningYet.getCause()));
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            fail(path + " did not answer as awaited within " + timeout.toSeconds() + " s; last answer: " + last.get()
                    + "\nLast lines of " + logFile + ":\n" + logTail(), e);
        }
    }

    private static String streamsState(String body) {
        try {
            for (JsonNode check : JSON.readTree(body).path("checks")) {
                if (STREAMS_CHECK.equals(check.path("name").asText())) {
                    return check.path("data").path("state").asText(null);
                }
            }
        } catch (IOException notJson) {
            return null;
        }
        return null;
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
