package dev.consentrelay.connector;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.consentrelay.config.ConnectorsConfig;
import dev.consentrelay.config.RegistryConfig;
import dev.consentrelay.config.ServiceRole;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.platform.TopicSetup;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * Starts one {@link VendorConnector} per configured vendor once the topics exist, when {@code consent-relay.role} is
 * {@code all} or {@code connector} and {@code consent-relay.connectors.enabled} is true; stops them on shutdown.
 * <p>
 * One {@link CommandFeed} (one Kafka consumer, group {@value CommandFeed#GROUP_ID}) reads every vendor's command topic
 * and hands each record to its vendor's connector; a connector that has all it may hold in flight pauses its own
 * topic, so that one vendor never holds back another.
 */
@ApplicationScoped
public class ConnectorRuntime {

    private static final Logger LOG = Logger.getLogger(ConnectorRuntime.class);
    /** Commands a vendor's connector holds at most, whatever its concurrency. */
    static final int MIN_IN_FLIGHT = 256;
    /** Commands a vendor's connector holds at most per lane, when that is more. */
    static final int IN_FLIGHT_PER_LANE = 64;

    private final ConnectorsConfig config;
    private final TopicsConfig topics;
    private final TopicSetup topicSetup;
    private final SchemaRegistryClient registry;
    private final MeterRegistry meters;
    private final RegistryConfig registryConfig;
    private final AckPublisher acks;
    private final String role;

    private final List<VendorConnector> running = new ArrayList<>();
    private final List<VendorAdapter> adapters = new ArrayList<>();
    private WebhookTransport webhooks;
    private CommandFeed feed;
    /** Runs the connectors' waits: retry backoffs and rate-limit tokens. */
    private ScheduledExecutorService waits;
    private ConnectorMetrics metrics;

    @Inject
    public ConnectorRuntime(Configs configs, TopicSetup topicSetup, SchemaRegistryClient registry, MeterRegistry meters,
            AckPublisher acks) {
        this.config = configs.config;
        this.topics = configs.topics;
        this.topicSetup = topicSetup;
        this.registry = registry;
        this.meters = meters;
        this.registryConfig = configs.registryConfig;
        this.acks = acks;
        this.role = configs.role;
    }

    /** The configuration the connectors run with, injected as one to keep the constructor short. */
    @Dependent
    static final class Configs {

        private final ConnectorsConfig config;
        private final TopicsConfig topics;
        private final RegistryConfig registryConfig;
        private final String role;

        @Inject
        Configs(ConnectorsConfig config, TopicsConfig topics, RegistryConfig registryConfig,
                @ConfigProperty(name = ServiceRole.PROPERTY, defaultValue = "all") String role) {
            this.config = config;
            this.topics = topics;
            this.registryConfig = registryConfig;
            this.role = role;
        }
    }

    /**
     * Starts the connectors after SmallRye Reactive Messaging has wired its channels (it starts at
     * {@code LIBRARY_BEFORE}): before that the ack channel's emitter does not exist, and a command delivered from a
     * backlog could not have its acknowledgement published. And after Kafka Streams has been started (its observer has
     * the default priority, {@code APPLICATION + 500}, and returns at once): reading the acknowledgement history takes
     * seconds after a busy run, which the restore of the consent stores then does not wait for.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        if (!ServiceRole.parse(role).runsConnectors()) {
            LOG.infof("Role %s: vendor connectors not started", role);
            return;
        }
        if (!runsHere(ServiceRole.parse(role), config)) {
            LOG.infof("No vendor connectors to start (enabled=%s, %d vendors)", config.enabled(),
                    config.vendors().size());
            return;
        }
        start();
    }

    /** Whether vendor connectors run in a process of this role with this configuration. */
    public static boolean runsHere(ServiceRole role, ConnectorsConfig config) {
        return role.runsConnectors() && config.enabled() && !config.vendors().isEmpty();
    }

    /** The command topics of the vendors this process delivers to, once their connectors have started. */
    public synchronized Optional<List<String>> startedTopics() {
        if (!ServiceRole.parse(role).runsConnectors() || !config.enabled()) {
            return Optional.of(List.of());
        }
        if (running.size() < config.vendors().size()) {
            return Optional.empty();
        }
        return Optional.of(config.vendors().keySet().stream().map(topics::commandsTopic).sorted().toList());
    }

    /** Whether each started vendor connector is delivering (its feed polling), by vendor id. */
    public synchronized Map<String, Boolean> delivering() {
        boolean polling = feed != null && feed.polling();
        Map<String, Boolean> states = new TreeMap<>();
        running.forEach(connector -> states.put(connector.vendorId(), polling));
        return states;
    }

    /** Whether the connectors' consumer stopped on a failure, which only a restart repairs. */
    public synchronized boolean failed() {
        return feed != null && feed.failed();
    }

    /** Builds and starts every configured vendor's connector. */
    synchronized void start() {
        // Creates the ack publisher now, so that an ack channel that cannot be used fails the start, not deliveries.
        LOG.infof("Vendor connectors publish acknowledgements to %s through channel %s", acks.topic(),
                AckPublisher.CHANNEL);
        Clock clock = Clock.systemUTC();
        if (metrics == null) {
            // One instance for the process, so a restarted connector's gauges read the new connector.
            metrics = new ConnectorMetrics(meters);
        }
        Map<String, Object> clientConfig = clientConfig();
        // An event loop only for a process that has webhook vendors to deliver to.
        webhooks = config.vendors().values().stream().anyMatch(v -> v.adapter() == ConnectorsConfig.Adapter.WEBHOOK)
                ? new WebhookTransport()
                : null;
        Map<String, AckedCommands> acked = new HashMap<>();
        config.vendors().keySet().forEach(vendorId -> acked.put(vendorId, ackedCommands(config.ackedCapacity())));
        AckHistory.load(clientConfig, topics.commandAcks(),
                AvroSerde.forClass(CommandAck.class, registry, false, registryConfig.autoRegister()).deserializer(),
                config.ackedWindow(), Duration.ofSeconds(60), clock, acked);
        feed = new CommandFeed(clientConfig, CommandFeed.GROUP_ID, config.groupInstanceId().orElse(null));
        waits = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "connector-waits");
            thread.setDaemon(true);
            return thread;
        });
        config.vendors().forEach((vendorId, vendor) -> {
            // The rate limit counts requests: per command, or per batch when the adapter sends batches.
            TokenBucket requests = TokenBucket.perSecond(vendor.rateLimit());
            // A batch fills from the lanes waiting on it: as many lanes as commands in a batch.
            int lanes = Math.max(vendor.concurrency(), vendor.batchSize());
            // A full connector pauses its topic and resumes at half, and the next records need a fetch: each pause
            // costs a fetch round trip, in which half the bound must keep the lanes busy.
            VendorConnector.Settings settings = new VendorConnector.Settings(vendorId, topics.commandsTopic(vendorId),
                    lanes, Math.max(MIN_IN_FLIGHT, lanes * IN_FLIGHT_PER_LANE));
            VendorAdapter created = VendorAdapters.create(vendorId, vendor, clock, requests, webhooks);
            // An adapter that blocks gets one thread per lane; the webhook's needs none.
            VendorAdapter adapter = created.nonBlocking()
                    ? created
                    : new OffloadedAdapter(created, lanes, settings.channel());
            adapters.add(adapter);
            RetryingDelivery delivery = new RetryingDelivery(vendorId, adapter,
                    new RetryPolicy(vendor.maxAttempts(), vendor.initialBackoff(), vendor.maxBackoff()),
                    VendorAdapters.limitsRequests(vendor) ? TokenBucket.unlimited() : requests,
                    RetryingDelivery.Delayer.on(waits), clock,
                    (command, attempt, result) -> metrics.retried(vendorId, command.getAction().name()));
            VendorConnector connector = new VendorConnector(settings,
                    AvroSerde.forClass(PropagationCommand.class, registry, false).deserializer(), delivery, acks,
                    acked.get(vendorId), metrics, feed.pauser(settings.topic()));
            feed.register(settings.topic(), connector, settings.legacyGroupId());
            running.add(connector);
            LOG.infof("Vendor connector %s started on %s: %s, %s requests/s, concurrency %d, %d attempts at most, "
                    + "%d acknowledged commands remembered", vendorId, settings.topic(), adapter,
                    vendor.rateLimit(), vendor.concurrency(), vendor.maxAttempts(), acked.get(vendorId).size());
        });
        feed.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Stops every connector's deliveries, then the feed, which commits what they finished. */
    synchronized void stop() {
        running.forEach(VendorConnector::close);
        running.clear();
        if (feed != null) {
            feed.close();
            feed = null;
        }
        if (waits != null) {
            // Deliveries waiting for a retry or a token end unfinished, delivered again after the restart.
            waits.shutdownNow();
            waits = null;
        }
        adapters.forEach(VendorAdapter::close);
        adapters.clear();
        if (webhooks != null) {
            webhooks.close();
            webhooks = null;
        }
    }

    private static AckedCommands ackedCommands(int capacity) {
        try {
            return new AckedCommands(capacity);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("consent-relay.connectors.acked-capacity=" + capacity + ": "
                    + e.getMessage(), e);
        }
    }

    private Map<String, Object> clientConfig() {
        Map<String, Object> client = new HashMap<>(topicSetup.adminConfig());
        client.remove("client.id");
        return client;
    }
}
