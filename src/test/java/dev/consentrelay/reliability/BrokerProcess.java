package dev.consentrelay.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The Kafka broker as its own JVM ({@link BrokerMain}, {@code -Xmx512m} unless told otherwise) on a fixed data
 * directory and port, so it can be SIGKILLed and started again on the same data, and clients reconnect to the same
 * address. The benchmark runs its broker this way with {@code --broker process}.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    /** The harness's broker: small, quick to start, compiled by C1 only (it is killed and restarted often). */
    private static final List<String> HARNESS_JVM = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Path dataDir;
    private final int port;
    private final Path logFile;
    private final List<String> jvmOptions;
    private Process process;
    private int starts;

    public BrokerProcess(Path dataDir, Path logDir) {
        this(dataDir, logDir, HARNESS_JVM);
    }

    /** A broker whose JVM runs with the given options (heap, collector) instead of the harness's. */
    public BrokerProcess(Path dataDir, Path logDir, List<String> jvmOptions) {
        this.dataDir = dataDir;
        this.port = Ports.free();
        this.logFile = logDir.resolve("broker.log");
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Starts the broker and waits until it answers a metadata request. */
    public BrokerProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("The broker is already running");
        }
        List<String> command = new ArrayList<>(List.of(Ports.java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BrokerMain.class.getName(),
                dataDir.toString(), String.valueOf(port)));
        try {
            Files.createDirectories(logFile.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the broker process", e);
        }
        starts++;
        if (starts == 1) {
            // Never leave a child process behind, however the test JVM ends.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (process != null) {
                    process.destroyForcibly();
                }
            }, "reliability-broker-stop"));
        }
        Deadline deadline = Deadline.in(READY_TIMEOUT);
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The broker exited with status " + process.exitValue() + "; see "
                        + logFile);
            }
            deadline.check("the broker to answer on " + bootstrapServers() + " (log: " + logFile + ")");
            deadline.pause(Duration.ofMillis(250));
        }
        return this;
    }

    /** SIGKILL: no shutdown hook, no flush, no controlled shutdown. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The broker did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int starts() {
        return starts;
    }

    private boolean answers() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000))) {
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        kill();
    }
}
