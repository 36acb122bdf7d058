package dev.consentrelay.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.consentrelay.serde.TopicSchemaRegistryClient;

/**
 * Decides, before the application boots, whether the service runs against a configured Kafka cluster or starts its
 * own embedded broker, and in the latter case starts it and points the application's configuration at it.
 */
public final class EmbeddedMode {

    /** Set by the launcher to {@code true} when the service runs on the embedded broker. */
    public static final String ACTIVE_PROPERTY = "consent-relay.embedded.active";
    /** Topic on the embedded broker that keeps the schema registry's subjects, versions and ids. */
    public static final String SCHEMAS_TOPIC = "_consent-relay-schemas";
    /**
     * Static membership for the one Kafka Streams instance of the embedded run: a restart (after SIGTERM or SIGKILL)
     * takes over its previous assignment at once instead of waiting out the session of a member that never left.
     */
    public static final String GROUP_INSTANCE_ID = "consent-relay-embedded";

    static final String BOOTSTRAP_PROPERTY = "kafka.bootstrap.servers";
    static final String REGISTRY_URL_PROPERTY = "consent-relay.schema-registry.url";
    static final String DATA_DIR_PROPERTY = "consent-relay.embedded.data-dir";
    static final String PORT_PROPERTY = "consent-relay.embedded.kafka-port";
    static final String HOST_PROPERTY = "consent-relay.embedded.host";
    static final String STATE_DIR_PROPERTY = "kafka-streams.state.dir";
    static final String GROUP_INSTANCE_ID_PROPERTY = "kafka-streams.group.instance.id";
    static final String CONNECTOR_INSTANCE_ID_PROPERTY = "consent-relay.connectors.group-instance-id";
    static final String TRUSTED_PROXIES_PROPERTY = "consent-relay.ingest.gpc.trusted-proxies";
    static final String IDENTIFIER_KEY_PROPERTY = "consent-relay.privacy.identifier-key";
    static final String INTERNAL_PORT_PROPERTY = "consent-relay.internal.port";
    static final String INTERNAL_HOST_PROPERTY = "consent-relay.internal.host";
    /** File in the data directory that keeps the generated identifier key across restarts. */
    static final String IDENTIFIER_KEY_FILE = "identifier-key";
    /** On one machine the proxy setting geo headers (an edge worker, curl) is local. */
    static final String LOOPBACK = "127.0.0.0/8,::1/128";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMode.class);

    private EmbeddedMode() {
    }

    /**
     * Starts the embedded broker when no Kafka cluster is configured.
     *
     * @return the running broker, or empty when {@code kafka.bootstrap.servers} is configured
     */
    public static Optional<EmbeddedKafkaBroker> startIfNoKafkaConfigured() {
        return startIfNoKafkaConfigured(LaunchSettings.fromRuntime());
    }

    static Optional<EmbeddedKafkaBroker> startIfNoKafkaConfigured(LaunchSettings settings) {
        Optional<String> bootstrap = settings.get(BOOTSTRAP_PROPERTY);
        if (bootstrap.isPresent()) {
            LOG.info("Using the Kafka cluster at {} (kafka.bootstrap.servers)", bootstrap.get());
            return Optional.empty();
        }
        Path dataDir = Path.of(settings.get(DATA_DIR_PROPERTY).orElse("data")).toAbsolutePath().normalize();
        int port = Integer.parseInt(settings.get(PORT_PROPERTY).orElse("9092"));
        String host = settings.get(HOST_PROPERTY).orElse("localhost");
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.create(dataDir, host, port, Map.of()).start(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot start the embedded Kafka broker on port " + port
                    + " with data in " + dataDir + ". If another Kafka already listens there, set "
                    + BOOTSTRAP_PROPERTY + " to use it, or set " + PORT_PROPERTY + " to another port (0 = any).", e);
        }
        System.setProperty(BOOTSTRAP_PROPERTY, broker.bootstrapServers());
        System.setProperty(ACTIVE_PROPERTY, "true");
        String registry = settings.get(REGISTRY_URL_PROPERTY)
                .orElse(TopicSchemaRegistryClient.url(broker.bootstrapServers(), SCHEMAS_TOPIC));
        System.setProperty(REGISTRY_URL_PROPERTY, registry);
        if (settings.get(STATE_DIR_PROPERTY).isEmpty()) {
            System.setProperty(STATE_DIR_PROPERTY, dataDir.resolve("streams").toString());
        }
        if (settings.get(GROUP_INSTANCE_ID_PROPERTY).isEmpty()) {
            System.setProperty(GROUP_INSTANCE_ID_PROPERTY, GROUP_INSTANCE_ID);
        }
        if (settings.get(CONNECTOR_INSTANCE_ID_PROPERTY).isEmpty()) {
            System.setProperty(CONNECTOR_INSTANCE_ID_PROPERTY, GROUP_INSTANCE_ID + "-connector");
        }
        if (settings.get(TRUSTED_PROXIES_PROPERTY).isEmpty()) {
            System.setProperty(TRUSTED_PROXIES_PROPERTY, LOOPBACK);
        }
        // One instance asks no other: its instance-to-instance listener takes any free port, on loopback only.
        if (settings.get(INTERNAL_PORT_PROPERTY).isEmpty()) {
            System.setProperty(INTERNAL_PORT_PROPERTY, "0");
        }
        if (settings.get(INTERNAL_HOST_PROPERTY).isEmpty()) {
            System.setProperty(INTERNAL_HOST_PROPERTY, "127.0.0.1");
        }
        if (settings.get(IDENTIFIER_KEY_PROPERTY).isEmpty()) {
            System.setProperty(IDENTIFIER_KEY_PROPERTY, identifierKey(dataDir));
        }
        LOG.info("No kafka.bootstrap.servers configured: running EMBEDDED. Kafka broker (KRaft) at {}, data in {}, "
                + "schema registry {}", broker.bootstrapServers(), dataDir, registry);
        return Optional.of(broker);
    }

    /**
     * The embedded run's identifier key: generated once and kept in the data directory (readable by its owner alone),
     * so keyed hashes stay comparable across restarts on the same data.
     */
    static String identifierKey(Path dataDir) {
        Path file = dataDir.resolve(IDENTIFIER_KEY_FILE);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String encoded = Base64.getEncoder().encodeToString(key);
            Files.createDirectories(dataDir);
            Files.writeString(file, encoded + "\n", StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                LOG.debug("{} cannot be restricted to its owner on this file system", file);
            }
            LOG.info("Generated the identifier key of the embedded run in {}", file);
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write the identifier key " + file
                    + "; set consent-relay.privacy.identifier-key instead", e);
        }
    }
}
