package dev.consentrelay.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.PolicyEngine;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.platform.VendorFile;
import dev.consentrelay.serde.HttpSchemaRegistryClient;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.serde.SchemaRegistryConfig;
import dev.consentrelay.testing.PackagedService;

/**
 * One scenario's world: a fresh broker process on its own data directory, the packaged service as a process with
 * its own state directory, the real registry, a signal producer and a verifier. Everything lives under
 * {@code target/reliability/<scenario>/}, logs included.
 */
final class Harness implements AutoCloseable {

    static final String APPLICATION_ID = "consent-relay";
    static final Predicate<String> NOT_PROBE = subject -> subject != null && !subject.startsWith("probe-");

    final String scenario;
    final Path dir;
    final BrokerProcess broker;
    final PackagedService service;
    final Path stateDir;
    final SchemaRegistryClient registry;
    final List<Vendor> vendors;
    final Policy policy = Policy.defaults();
    final SignalProducer producer;
    final Verifier verifier;
    private static final java.time.Duration SERVICE_READY_TIMEOUT = java.time.Duration.ofSeconds(180);

    private Admin progressAdmin;

    private Harness(String scenario, String registryUrl, Consumer<Admin> beforeService, String vendorsResource,
            Map<String, String> serviceProperties) {
        this.scenario = scenario;
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target/reliability");
        this.dir = base.resolve(scenario);
        new ServiceProcessDirs(dir).clean();
        Path vendorsFile = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                .resolve("src/test/resources").resolve(vendorsResource);
        this.vendors = VendorFile.read(vendorsFile, policy);
        this.broker = new BrokerProcess(dir.resolve("broker-data"), dir).start();
        if (beforeService != null) {
            try (Admin admin = admin()) {
                beforeService.accept(admin);
            }
        }
        this.stateDir = dir.resolve("streams-state");
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put("kafka.bootstrap.servers", broker.bootstrapServers());
        properties.put("consent-relay.schema-registry.url", registryUrl);
        properties.put("kafka-streams.state.dir", stateDir.toString());
        properties.put("consent-relay.processing.vendors-file", vendorsFile.toString());
        properties.put("consent-relay.privacy.identifier-key", "reliability-identifier-key");
        properties.putAll(withDefaults(serviceProperties));
        this.service = PackagedService.in(dir).logFile(dir.resolve("service.log"))
                .jvmArgs(List.of("-XX:TieredStopAtLevel=1")).properties(properties).prepare();
        this.registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(registryUrl));
        this.producer = new SignalProducer(broker.bootstrapServers(), registry);
        this.verifier = new Verifier(broker.bootstrapServers(), registry,
                vendors.stream().map(Vendor::vendorId).toList());
    }

    /** Starts the broker and the service, and waits until the service fans out to every vendor. */
    static Harness start(String scenario, String registryUrl) {
        return start(scenario, registryUrl, null);
    }

    static Harness start(String scenario, String registryUrl, Consumer<Admin> beforeService) {
        return start(scenario, registryUrl, beforeService, "reliability-vendors.yaml", Map.of());
    }

    static Harness start(String scenario, String registryUrl, Consumer<Admin> beforeService, String vendorsResource,
            Map<String, String> serviceProperties) {
        Harness harness = new Harness(scenario, registryUrl, beforeService, vendorsResource, serviceProperties);
        try {
            harness.startService();
            harness.awaitVendorsLoaded(Duration.ofSeconds(120));
            return harness;
        } catch (RuntimeException | Error e) {
            harness.close();
            throw e;
        }
    }

    private static Map<String, String> withDefaults(Map<String, String> properties) {
        Map<String, String> all = new java.util.HashMap<>();
        // A killed instance's group membership ends after this, not after the 45 s default.
        all.put("kafka-streams.session.timeout.ms", "6000");
        all.put("kafka-streams.heartbeat.interval.ms", "1500");
        all.putAll(properties);
        return all;
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    Reference reference() {
        return new Reference(new PolicyEngine(policy), vendors, Instant.now());
    }

    /**
     * Vendors come from the YAML file through the vendors topic: publishes probe opt-outs (subjects {@code probe-*},
     * left out of every comparison) until one reaches every vendor's command topic.
     */
    void awaitVendorsLoaded(Duration timeout) {
        Deadline deadline = Deadline.in(timeout);
        while (true) {
            String subject = "probe-" + UUID.randomUUID();
            Instant at = Instant.now().minusSeconds(5);
            producer.send(new Signal(UUID.randomUUID().toString(), subject,
                    List.of(new SubjectIdentifier("device_id", "probe"),
                            new SubjectIdentifier("email_sha256", "0".repeat(64))),
                    Signal.Kind.OPT_OUT, Set.of(), "US-CA", Signal.Source.API, "link", Policy.DEFAULT_VERSION, at, at,
                    false));
            producer.flush();
            Deadline probe = Deadline.in(Duration.ofSeconds(10));
            while (!probe.passed()) {
                Set<String> reached = new java.util.HashSet<>();
                verifier.commands().stream().filter(c -> subject.equals(c.getSubjectId()))
                        .forEach(c -> reached.add(c.getVendorId()));
                if (reached.size() == vendors.size()) {
                    return;
                }
                probe.pause(Duration.ofMillis(300));
            }
            deadline.check("a probe opt-out to reach all " + vendors.size() + " vendors");
        }
    }

    /**
     * Input records of the signals topic the service has committed as consumed, or -1 while the broker does not
     * answer. One admin client is kept for these polls: it reconnects by itself across a broker restart.
     */
    long committedInput() {
        try {
            if (progressAdmin == null) {
                progressAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000));
            }
            Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = progressAdmin
                    .listConsumerGroupOffsets(APPLICATION_ID).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> e.getValue() != null && e.getKey().topic().equals(Verifier.TOPICS.signals()))
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception brokerNotAnswering) {
            return -1;
        }
    }

    static int intProperty(String name, int defaultValue) {
        return Integer.getInteger(name, defaultValue);
    }

    @Override
    public void close() {
        if (progressAdmin != null) {
            progressAdmin.close(Duration.ofSeconds(5));
        }
        try {
            service.close();
        } finally {
            try {
                producer.close();
                verifier.close();
            } finally {
                broker.close();
            }
        }
    }

    /** Starts the service (again) and waits until it is ready and Kafka Streams is RUNNING. */
    void startService() {
        service.start();
        service.awaitHealth("/q/health/ready", SERVICE_READY_TIMEOUT);
        service.awaitStreamsRunning(SERVICE_READY_TIMEOUT);
    }

    /** Deletes the service's Kafka Streams state directory; only while it is stopped. */
    void deleteServiceState() {
        if (service.isAlive()) {
            throw new IllegalStateException("Stop the service before deleting its state");
        }
        new ServiceProcessDirs(stateDir).clean();
    }

    /** Keeps the logs of a previous run of the scenario out of this one. */
    private record ServiceProcessDirs(Path dir) {
        void clean() {
            if (!java.nio.file.Files.exists(dir)) {
                return;
            }
            try (var files = java.nio.file.Files.walk(dir)) {
                for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(path);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("Cannot clean " + dir, e);
            }
        }
    }
}
