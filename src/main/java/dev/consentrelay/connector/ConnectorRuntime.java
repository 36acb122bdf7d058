package dev.consentrelay.connector;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

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
 * The connectors use Kafka clients directly rather than SmallRye Reactive Messaging channels: channels are declared at
 * build time, while each vendor — configured at run time — needs its own consumer group, its own thread and its own
 * pause/resume and commit position, so that one vendor never holds back another.
 */
@ApplicationScoped
public class ConnectorRuntime {

    private static final Logger LOG = Logger.getLogger(ConnectorRuntime.class);

    @Inject
    ConnectorsConfig config;

    @Inject
    TopicsConfig topics;

    @Inject
    TopicSetup topicSetup;

    @Inject
    SchemaRegistryClient registry;

    @Inject
    MeterRegistry meters;

    @Inject
    RegistryConfig registryConfig;

    @ConfigProperty(name = ServiceRole.PROPERTY, defaultValue = "all")
    String role;

    private final List<VendorConnector> running = new ArrayList<>();
    private final List<VendorAdapter> adapters = new ArrayList<>();
    private AckPublisher acks;

    void onStart(@Observes @Priority(100) StartupEvent event) {
        if (!ServiceRole.parse(role).runsConnectors()) {
            LOG.infof("Role %s: vendor connectors not started", role);
            return;
        }
        if (!config.enabled() || config.vendors().isEmpty()) {
            LOG.infof("No vendor connectors to start (enabled=%s, %d vendors)", config.enabled(),
                    config.vendors().size());
            return;
        }
        start(clientConfig());
    }

    /** Builds and starts every configured vendor's connector against the given Kafka client settings. */
    synchronized void start(Map<String, Object> clientConfig) {
        Clock clock = Clock.systemUTC();
        ConnectorMetrics metrics = new ConnectorMetrics(meters);
        AvroSerde<CommandAck> ackSerde = AvroSerde.forClass(CommandAck.class, registry, false,
                registryConfig.autoRegister());
        Map<String, AckedCommands> acked = new HashMap<>();
        config.vendors().keySet().forEach(vendorId -> acked.put(vendorId, new AckedCommands(config.ackedCapacity())));
        AckHistory.load(clientConfig, topics.commandAcks(), ackSerde.deserializer(), config.ackedWindow(),
                Duration.ofSeconds(60), clock, acked);
        acks = AckPublisher.create(clientConfig, ackSerde.serializer(), topics.commandAcks());
        config.vendors().forEach((vendorId, vendor) -> {
            VendorAdapter adapter = VendorAdapters.create(vendorId, vendor, clock);
            adapters.add(adapter);
            RetryingDelivery delivery = new RetryingDelivery(vendorId, adapter,
                    new RetryPolicy(vendor.maxAttempts(), vendor.initialBackoff(), vendor.maxBackoff()),
                    TokenBucket.perSecond(vendor.rateLimit()), RetryingDelivery.threadSleeper(), clock,
                    (command, attempt, result) -> metrics.retried(vendorId, command.getAction().name()));
            VendorConnector connector = new VendorConnector(
                    new VendorConnector.Settings(vendorId, topics.commandsTopic(vendorId), vendor.concurrency(),
                            Math.max(64, vendor.concurrency() * 16)),
                    clientConfig,
                    AvroSerde.forClass(PropagationCommand.class, registry, false).deserializer(), delivery, acks,
                    acked.get(vendorId), metrics);
            connector.start();
            running.add(connector);
            LOG.infof("Vendor connector %s started: %s, %s requests/s, concurrency %d, %d attempts at most, %d "
                    + "acknowledged commands remembered", vendorId, adapter, vendor.rateLimit(),
                    vendor.concurrency(), vendor.maxAttempts(), acked.get(vendorId).size());
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Stops every connector, then the ack producer. */
    synchronized void stop() {
        running.forEach(VendorConnector::close);
        running.clear();
        adapters.forEach(VendorAdapter::close);
        adapters.clear();
        if (acks != null) {
            acks.close();
            acks = null;
        }
    }

    private Map<String, Object> clientConfig() {
        Map<String, Object> client = new HashMap<>(topicSetup.adminConfig());
        client.remove("client.id");
        return client;
    }
}
