package dev.consentrelay.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.consentrelay.config.ServiceRole;

/**
 * Makes sure a processor that did not stop cleanly (killed, out of memory, power lost) never reads back writes of a
 * transaction that was aborted. Under {@code exactly_once_v2} a task's local stores may hold writes of the
 * transaction in flight when the process died; Kafka Streams is meant to find them (no checkpoint file) and wipe the
 * task, but Kafka Streams 4.1 re-uses the store directories it opens at start-up without that check, and the
 * benchmark of a killed processor saw an aborted write come back (a signal then read as already applied). So the
 * service keeps its own mark: a file in the application's state directory while it runs, removed once Kafka Streams
 * has closed. Found at start, the previous run did not stop cleanly, and every task's local state is deleted before
 * Kafka Streams starts: it is restored from the changelogs, which hold committed writes only. The process id file and
 * the global store (restored from its source topic) are kept.
 */
@ApplicationScoped
public class UncleanStopGuard {

    /** The file that marks a running processor. */
    static final String MARK = ".consent-relay-running";

    private static final Logger LOG = Logger.getLogger(UncleanStopGuard.class);
    private static final Pattern TASK_DIRECTORY = Pattern.compile("\\d+_\\d+");

    private final java.util.Optional<String> stateDir;
    private final String applicationId;
    private final String role;

    @Inject
    public UncleanStopGuard(@ConfigProperty(name = "kafka-streams.state.dir") java.util.Optional<String> stateDir,
            @ConfigProperty(name = "quarkus.kafka-streams.application-id") String applicationId,
            @ConfigProperty(name = ServiceRole.PROPERTY, defaultValue = "all") String role) {
        this.stateDir = stateDir;
        this.applicationId = applicationId;
        this.role = role;
    }

    /** Before the topics are set up and long before Kafka Streams starts. */
    void onStart(@Observes @Priority(5) StartupEvent event) {
        if (ServiceRole.parse(role).runsProcessor()) {
            List<Path> wiped = guard(applicationDirectory());
            if (!wiped.isEmpty()) {
                LOG.warnf("The previous run of this processor did not stop cleanly: deleted the local state of %d"
                        + " task(s) (%s), which may hold writes of an aborted transaction; Kafka Streams restores"
                        + " them from their changelogs", wiped.size(),
                        wiped.stream().map(p -> p.getFileName()
                                .toString()).toList());
            }
        }
    }

    /** After Kafka Streams has closed (Quarkus closes it at the default priority). */
    void onStop(@Observes @Priority(3000) ShutdownEvent event) {
        if (ServiceRole.parse(role).runsProcessor()) {
            stopped(applicationDirectory());
        }
    }

    private Path applicationDirectory() {
        Path root = Path.of(stateDir.filter(s -> !s.isBlank())
                .orElse(System.getProperty("java.io.tmpdir") + "/kafka-streams"));
        return root.resolve(applicationId);
    }

    /**
     * Marks the application's state directory as in use; if the mark was already there, deletes every task's local
     * state first.
     *
     * @return the task directories deleted
     */
    static List<Path> guard(Path applicationDirectory) {
        Path mark = applicationDirectory.resolve(MARK);
        List<Path> wiped = new ArrayList<>();
        try {
            if (Files.exists(mark)) {
                try (Stream<Path> entries = Files.list(applicationDirectory)) {
                    for (Path entry : entries.toList()) {
                        if (Files.isDirectory(entry) && TASK_DIRECTORY.matcher(entry.getFileName().toString())
                                .matches()) {
                            deleteRecursively(entry);
                            wiped.add(entry);
                        }
                    }
                }
            }
            Files.createDirectories(applicationDirectory);
            Files.writeString(mark, "a consent-relay processor runs on this state directory; a stop removes this"
                    + " file\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check the state directory " + applicationDirectory
                    + " for an unclean stop", e);
        }
        return wiped;
    }

    /** Removes the mark: the state directory was left cleanly. */
    static void stopped(Path applicationDirectory) {
        try {
            Files.deleteIfExists(applicationDirectory.resolve(MARK));
        } catch (IOException e) {
            LOG.warnf("Cannot remove %s (%s): the next start will restore every task from its changelog",
                    applicationDirectory.resolve(MARK), e.toString());
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
