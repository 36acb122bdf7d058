package dev.consentrelay.testing;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import static org.awaitility.Awaitility.await;

/**
 * Runs a real Apicurio Registry (in-memory storage, global {@code BACKWARD} compatibility) as a child process, once per
 * test JVM, for tests that need a registry speaking the Confluent API. Test classes opt in with
 * {@code @ExtendWith(ApicurioRegistryExtension.class)} and get the {@code ccompat} base URL through a
 * {@link RunningRegistry} parameter or {@link #ccompatUrl()}.
 * <p>
 * The server is unpacked by {@code ./mvnw verify} (pre-integration-test) into the directory named by the system
 * property {@code apicurio.home}. It is kept in the root extension context store and so stops when the test run ends;
 * a shutdown hook also stops it if the JVM exits any other way. Tests share it, so each should use its own subjects.
 */
public final class ApicurioRegistryExtension implements BeforeAllCallback, ParameterResolver {

    /** How long the server may take to answer, on a machine shared with other builds. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(ApicurioRegistryExtension.class);
    private static final int START_ATTEMPTS = 2;

    private static volatile RunningRegistry current;

    /** A started registry: its Confluent-compatible base URL and the file its output goes to. */
    public record RunningRegistry(String ccompatUrl, int port, Path logFile) {
    }

    /**
     * The {@code ccompat} base URL of the registry started for this JVM, e.g. {@code
     * http://127.0.0.1:1234/apis/ccompat/v7}.
     */
    public static String ccompatUrl() {
        RunningRegistry registry = current;
        if (registry == null) {
            throw new IllegalStateException(
                    "No Apicurio Registry is running: annotate the test class with"
                            + " @ExtendWith(ApicurioRegistryExtension.class)");
        }
        return registry.ccompatUrl();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        registry(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RunningRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return registry(context);
    }

    /**
     * Starts the registry once for this JVM, without a JUnit context (for Quarkus test resources), and returns its
     * {@code ccompat} base URL. The process is stopped when the JVM exits.
     */
    public static synchronized String startForJvm() {
        if (current == null) {
            Server.start();
        }
        return current.ccompatUrl();
    }

    private static synchronized RunningRegistry registry(ExtensionContext context) {
        if (current != null) {
            return current;
        }
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(Server.class, type -> Server.start(), Server.class).registry;
    }

    /**
     * The child process. Closed by JUnit with the root context: JUnit 6 closes {@link AutoCloseable} store values,
     * which replaced the deprecated {@code ExtensionContext.Store.CloseableResource}.
     */
    private static final class Server implements AutoCloseable {
        private final Process process;
        private final RunningRegistry registry;
        private final Thread shutdownHook;

        private Server(Process process, RunningRegistry registry) {
            this.process = process;
            this.registry = registry;
            this.shutdownHook = new Thread(process::destroyForcibly, "apicurio-registry-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }

        static Server start() {
            Path home = Path.of(System.getProperty("apicurio.home", "target/apicurio"));
            String version = System.getProperty("apicurio.version", "2.6.13.Final");
            Path jar = home.resolve("apicurio-registry-app-" + version + "-runner.jar");
            if (!Files.isRegularFile(jar)) {
                throw new ExtensionConfigurationException("Apicurio Registry server not found at "
                        + jar.toAbsolutePath()
                        + ". Run integration tests through the build, e.g. `./mvnw verify -Dit.test=<Test>IT`,"
                        + " which unpacks io.apicurio:apicurio-registry-app:" + version + ":tar.gz:all there first.");
            }
            List<String> failures = new ArrayList<>();
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int port = freePort();
                Path log = home.toAbsolutePath().getParent().resolve("apicurio-registry-" + port + ".log");
                Process process = launch(jar, port, log);
                RunningRegistry registry = new RunningRegistry(
                        "http://127.0.0.1:" + port + "/apis/ccompat/v7", port, log);
                try {
                    awaitReady(process, registry);
                    Server server = new Server(process, registry);
                    current = registry;
                    return server;
                } catch (RuntimeException e) {
                    stop(process);
                    failures.add("attempt " + attempt + " on port " + port + ": " + e.getMessage() + " (log: " + log
                            + ")");
                }
            }
            throw new ExtensionConfigurationException(
                    "Apicurio Registry did not start: " + String.join("; ", failures));
        }

        private static Process launch(Path jar, int port, Path log) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = List.of(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                    "-Dregistry.rules.global.compatibility=BACKWARD", "-jar", jar.toString());
            try {
                return new ProcessBuilder(command).directory(jar.getParent().toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new ExtensionConfigurationException("Cannot start " + command, e);
            }
        }

        private static void awaitReady(Process process, RunningRegistry registry) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest probe = HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + "/subjects"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            try {
                await("Apicurio Registry answering " + probe.uri()).atMost(STARTUP_TIMEOUT)
                        .pollInterval(Duration.ofMillis(250)).until(() -> {
                            if (!process.isAlive()) {
                                throw new IllegalStateException(
                                        "the registry process exited with status " + process.exitValue());
                            }
                            try {
                                return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                            } catch (IOException notYet) {
                                return false;
                            }
                        });
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException("no answer within " + STARTUP_TIMEOUT.toSeconds() + " s", e);
            }
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new ExtensionConfigurationException("No free loopback port", e);
            }
        }

        private static void stop(Process process) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            current = null;
            stop(process);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run: nothing left to undo
            }
        }
    }
}
