package dev.consentrelay.platform;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.StartupEvent;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.consentrelay.config.ServiceRole;
import dev.consentrelay.connector.ConnectorRuntime;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.topology.StoreNames;
import dev.consentrelay.topology.VendorDirectory;

/**
 * Decides when the service has started, per role, and says so once in the log with the time it took. Start-up is
 * complete when what the role runs can serve:
 * <ul>
 * <li>processor ({@code all}, {@code processor}): Kafka Streams has reached {@code RUNNING}, the consent table is
 * queryable, and the command topic of every vendor known to the directory exists;</li>
 * <li>connectors ({@code all}, {@code connector}): every configured vendor connector has started and its command
 * topic exists.</li>
 * </ul>
 * The start-up probe ({@code /q/health/started}) reports this; readiness waits for it too, and after it does not
 * follow rebalances (queries answer 503 with {@code Retry-After} while stores move; ingest does not need Kafka
 * Streams).
 */
@ApplicationScoped
public class StartupGate {

    private static final Logger LOG = Logger.getLogger(StartupGate.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

    private final StreamsLifecycle lifecycle;
    private final Instance<KafkaStreams> streams;
    private final VendorDirectory vendors;
    private final CommandTopicCreator commandTopics;
    private final ConnectorRuntime connectors;
    private final TopicSetup topicSetup;
    private final String role;

    private volatile boolean started;
    private volatile String waitingFor = "the application to start";
    private volatile Thread watcher;

    @Inject
    public StartupGate(StreamsLifecycle lifecycle, Instance<KafkaStreams> streams, VendorDirectory vendors,
            CommandTopicCreator commandTopics, ConnectorRuntime connectors, TopicSetup topicSetup,
            @ConfigProperty(name = ServiceRole.PROPERTY, defaultValue = "all") String role) {
        this.lifecycle = lifecycle;
        this.streams = streams;
        this.vendors = vendors;
        this.commandTopics = commandTopics;
        this.connectors = connectors;
        this.topicSetup = topicSetup;
        this.role = role;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 500) StartupEvent event) {
        Thread thread = new Thread(this::watch, "consent-relay-startup");
        thread.setDaemon(true);
        watcher = thread;
        thread.start();
    }

    /** Whether start-up has completed. */
    public boolean started() {
        return started;
    }

    /** What start-up still waits for, or what it completed with. */
    public String status() {
        return waitingFor;
    }

    /** The role this process runs. */
    public ServiceRole role() {
        return ServiceRole.parse(role);
    }

    /** Kafka Streams' state, where this role runs it. */
    /** Whether each started vendor connector is delivering, by vendor id (none in a role without connectors). */
    public Map<String, Boolean> connectorsDelivering() {
        return role().runsConnectors() ? connectors.delivering() : Map.of();
    }

    /** Whether the connectors' consumer stopped on a failure (a restart repairs it). */
    public boolean connectorsFailed() {
        return role().runsConnectors() && connectors.failed();
    }

    public Optional<KafkaStreams.State> streamsState() {
        return role().runsProcessor() && streams.isResolvable()
                ? Optional.of(streams.get().state())
                : Optional.empty();
    }

    private void watch() {
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        try (Admin admin = Admin.create(topicSetup.adminConfig())) {
            while (!Thread.currentThread().isInterrupted()) {
                Optional<String> missing = missing(admin);
                if (missing.isEmpty()) {
                    break;
                }
                waitingFor = missing.get();
                if (System.nanoTime() > nextProgress) {
                    LOG.infof("Still starting (%.1f s since the process started): waiting for %s", sinceProcessStart(),
                            waitingFor);
                    nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
                }
                TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        started = true;
        waitingFor = "started";
        LOG.infof("consent-relay started (role %s) in %.1f s from process start%s: %s", role().name().toLowerCase(),
                sinceProcessStart(), lifecycle.firstRunning() == null
                        ? ""
                        : String.format(
                                "; Kafka Streams RUNNING after %.1f s",
                                (lifecycle.firstRunning().toEpochMilli() - processStart()) / 1000.0),
                describe());
    }

    /** What start-up still waits for, or empty when it is complete. */
    private Optional<String> missing(Admin admin) {
        if (role().runsProcessor()) {
            if (lifecycle.firstRunning() == null) {
                return Optional.of("Kafka Streams to reach RUNNING (now " + streamsState().map(Enum::name)
                        .orElse("not created") + ")");
            }
            try {
                streams.get().store(StoreQueryParameters.fromNameAndType(StoreNames.CONSENT_TABLE,
                        QueryableStoreTypes.keyValueStore()));
            } catch (RuntimeException e) {
                return Optional.of("the consent table to be queryable (" + e.getMessage() + ")");
            }
            List<String> vendorIds = vendors.all().stream().map(Vendor::vendorId).toList();
            if (!commandTopics.allEnsured(vendorIds)) {
                return Optional.of("the command topics of vendors " + vendorIds);
            }
        }
        if (role().runsConnectors()) {
            Optional<List<String>> topics = connectors.startedTopics();
            if (topics.isEmpty()) {
                return Optional.of("the vendor connectors to start");
            }
            Optional<String> absent = absentTopics(admin, topics.get());
            if (absent.isPresent()) {
                return absent;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> absentTopics(Admin admin, Collection<String> topics) {
        if (topics.isEmpty()) {
            return Optional.empty();
        }
        try {
            Set<String> existing = admin.listTopics().names().get(5, TimeUnit.SECONDS);
            List<String> absent = topics.stream().filter(topic -> !existing.contains(topic)).toList();
            return absent.isEmpty()
                    ? Optional.empty()
                    : Optional.of("the command topics " + absent + " (a connector cannot read a topic that does not"
                            + " exist; the processor creates it when it first sees the vendor)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("the broker to list topics (interrupted)");
        } catch (Exception e) {
            return Optional.of("the broker to list topics (" + e + ")");
        }
    }

    private String describe() {
        StringBuilder text = new StringBuilder();
        if (role().runsProcessor()) {
            text.append("stores queryable, ").append(vendors.all().size()).append(" vendor command topic(s)");
        }
        if (role().runsConnectors()) {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(connectors.startedTopics().map(List::size).orElse(0)).append(" vendor connector(s)");
        }
        return text.toString();
    }

    private static long processStart() {
        return ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    private static double sinceProcessStart() {
        return (System.currentTimeMillis() - processStart()) / 1000.0;
    }

    @PreDestroy
    void stop() {
        Thread thread = watcher;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** The states in which a started processor no longer processes (a rebalance is not one of them). */
    static boolean stopped(KafkaStreams.State state) {
        return EnumSet.of(KafkaStreams.State.ERROR, KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_ERROR,
                KafkaStreams.State.PENDING_SHUTDOWN).contains(state);
    }
}
