package dev.consentrelay.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker in KRaft mode (combined broker and controller) running inside this JVM.
 * <p>
 * Used by the one-command local run: with no {@code kafka.bootstrap.servers} configured the service starts one of
 * these before Kafka Streams and the messaging channels. Data survives restarts: the storage under
 * {@code dataDir} is formatted once and reused, so the consent table and every topic are still there next time.
 * Settings are those a single broker needs for exactly-once processing (replication factor 1 for the transaction
 * and offsets logs).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path dataDir;
    private final String host;
    private final int port;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;
    private String bootstrapServers;

    private EmbeddedKafkaBroker(Path dataDir, String host, int port, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Creates a broker that keeps its logs under {@code dataDir/kafka}.
     *
     * @param dataDir directory for the broker's data; created if missing
     * @param host host name advertised to clients
     * @param port client port; 0 picks a free port
     * @param overrides extra broker settings, applied last
     */
    public static EmbeddedKafkaBroker create(Path dataDir, String host, int port, Map<String, String> overrides) {
        return new EmbeddedKafkaBroker(dataDir, host, port, overrides);
    }

    /** Formats the storage if needed, starts the broker and waits until it answers clients. */
    public synchronized EmbeddedKafkaBroker start(Duration readyTimeout) {
        if (server != null) {
            return this;
        }
        Path logDir = dataDir.resolve("kafka").toAbsolutePath();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded Kafka data directory " + logDir, e);
        }
        int clientPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Properties props = brokerProperties(logDir, clientPort, controllerPort);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(logDir, props);
        KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
        raftServer.startup();
        this.server = raftServer;
        this.bootstrapServers = host + ":" + clientPort;
        awaitReady(readyTimeout);
        return this;
    }

    /** The {@code host:port} clients connect to. */
    public String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("The embedded Kafka broker is not started");
        }
        return bootstrapServers;
    }

    /** Where the broker keeps its logs. */
    public Path logDir() {
        return dataDir.resolve("kafka").toAbsolutePath();
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            server = null;
        }
    }

    private Properties brokerProperties(Path logDir, int clientPort, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://0.0.0.0:" + clientPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
                + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + clientPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // After a kill the controller keeps the dead broker's registration until its session expires (9 s by
        // default) and refuses the restarted one meanwhile: one node, so a short session costs nothing.
        props.put("broker.session.timeout.ms", "2000");
        props.put("broker.heartbeat.interval.ms", "500");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        props.put("log.cleaner.threads", "1");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.putAll(overrides);
        return props;
    }

    private void format(Path logDir, Properties props) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            LOG.debug("Embedded Kafka storage in {} is already formatted", logDir);
            return;
        }
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format the embedded Kafka storage in " + logDir, e);
        }
    }

    private void awaitReady(Duration timeout) {
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(adminProps)) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", e);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("The embedded Kafka broker did not become ready within " + timeout, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free local port for the embedded Kafka broker", e);
        }
    }
}
