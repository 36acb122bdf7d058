package dev.consentrelay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.consentrelay.embedded.EmbeddedKafkaBroker;
import dev.consentrelay.reliability.BrokerProcess;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.SignalKind;
import dev.consentrelay.serde.AvroDeserializer;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.serde.SchemaRegistryClients;
import dev.consentrelay.serde.SchemaRegistryConfig;
import dev.consentrelay.testing.ApicurioRegistryExtension;
import dev.consentrelay.testing.PackagedService;

/**
 * The benchmark: throughput, decision and propagation latency, memory and restore time of the packaged
 * service, against a raw Kafka Streams passthrough measured in the same run. See docs/benchmark.md.
 * <ol>
 * <li>starts the embedded broker (or uses {@code --bootstrap}), an Apicurio registry (or uses {@code --registry}) and
 * local webhook endpoints that answer 200 for every vendor;</li>
 * <li>starts the service as its own JVM from {@code target/quarkus-app/quarkus-run.jar} with V vendors and a webhook
 * connector per vendor;</li>
 * <li>preloads N subjects through {@code consent.signals.v1} and waits for consumer lag zero;</li>
 * <li>drives a realistic mix open-loop at the target rate and measures decision and propagation latency from each
 * signal's intended send time;</li>
 * <li>produces a fixed batch as fast as possible and measures signals/s and commands/s until lag zero;</li>
 * <li>reads the service's peak RSS, wipes its state directory, restarts it and measures the restore;</li>
 * <li>runs the passthrough baseline over the batch's records; writes the JSON report and prints a table.</li>
 * </ol>
 */
public final class Benchmark {

    static final String GROUP = "consent-relay";
    /** The kernel's name of the service's stream threads: the first 15 characters of "consent-relay-<uuid>-…". */
    private static final String STREAM_THREAD_PREFIX = "consent-relay-";
    static final String SIGNALS = "consent.signals.v1";
    static final String GPC_SIGNALS = "consent.gpc-signals.v1";
    static final String ACKS = "consent.command-acks.v1";
    static final String AUDIT = "consent.audit.v1";
    static final String REPARTITION = GROUP + "-signals-by-subject-repartition";
    static final List<String> INPUTS = List.of(SIGNALS, GPC_SIGNALS, REPARTITION);
    private static final String MALLOC_ARENAS = "MALLOC_ARENA_MAX";
    /**
     * The broker's JVM with {@code --broker process}: the benchmark JVM's heap and collector (Kafka's start script's G1
     * settings did no better on two cores, docs/benchmark.md).
     */
    private static final List<String> BROKER_JVM = List.of("-Xmx1g", "-XX:+UseSerialGC");
    private static final List<String> PURPOSES = List.of("email_marketing", "sms_marketing", "analytics",
            "advertising", "profiling", "sale_sharing", "personalization", "third_party_sharing");
    private static final String WEBHOOK_SECRET = "bench-webhook-secret";
    private static final String MEASURED_UP_TO = "measuredUpTo";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final BenchOptions options;
    /** Prefixes the subject ids, so runs against the same cluster do not share subjects. */
    private final String runId = "b" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    private final ObjectNode report = JSON.createObjectNode();

    private Benchmark(BenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        try {
            run(BenchOptions.parse(List.of(args)));
            System.exit(0);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs the whole benchmark; returns the report, also written to {@code options.out()} and printed. */
    public static ObjectNode run(BenchOptions options) throws Exception {
        return new Benchmark(options).run();
    }

    private ObjectNode run() throws Exception {
        Path work = Files.createTempDirectory("consent-relay-bench-");
        Path outDir = options.out().toAbsolutePath().getParent();
        Files.createDirectories(outDir);
        AutoCloseable broker = null;
        try {
            String bootstrap = options.bootstrap();
            if (bootstrap == null && options.brokerProcess()) {
                log("Starting the Kafka broker (KRaft) as its own process in " + work.resolve("broker") + ", log "
                        + outDir.resolve("broker.log"));
                BrokerProcess process = new BrokerProcess(work.resolve("broker"), outDir, BROKER_JVM).start();
                broker = process;
                bootstrap = process.bootstrapServers();
            } else if (bootstrap == null) {
                log("Starting the embedded Kafka broker (KRaft) in " + work.resolve("broker"));
                EmbeddedKafkaBroker embedded = EmbeddedKafkaBroker.create(work.resolve("broker"), "localhost", 0,
                        Map.of()).start(Duration.ofSeconds(60));
                broker = embedded;
                bootstrap = embedded.bootstrapServers();
            }
            String registryUrl = options.registry();
            if (registryUrl == null) {
                log("Starting Apicurio Registry");
                // The launcher runs the server from its own directory: it needs an absolute location.
                System.setProperty("apicurio.home",
                        Path.of(System.getProperty("apicurio.home", "target/apicurio")).toAbsolutePath().toString());
                registryUrl = ApicurioRegistryExtension.startForJvm();
            }
            describeRun(bootstrap, registryUrl);
            SchemaRegistryClient registry = SchemaRegistryClients.create(SchemaRegistryConfig.of(registryUrl));
            try (WebhookSink webhooks = WebhookSink.start();
                    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                measure(work, outDir, bootstrap, registryUrl, registry, webhooks, admin);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
            deleteRecursively(work);
        }
        Files.writeString(options.out(), JSON.writeValueAsString(report));
        System.out.println(Report.table(report));
        log("Report written to " + options.out().toAbsolutePath());
        return report;
    }

    private void measure(Path work, Path outDir, String bootstrap, String registryUrl, SchemaRegistryClient registry,
            WebhookSink webhooks, Admin admin) throws Exception {
        List<String> vendorIds = vendorIds();
        Path vendorsFile = work.resolve("vendors.yaml");
        Files.writeString(vendorsFile, vendorsYaml(vendorIds));
        Path stateDir = work.resolve("service").resolve("streams");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("consent-relay.schema-registry.url", registryUrl);
        props.put("kafka-streams.state.dir", stateDir.toString());
        props.put("consent-relay.processing.vendors-file", vendorsFile.toString());
        props.put("consent-relay.role",
                options.connectors() == BenchOptions.Connectors.IN_PROCESS ? "all" : "processor");
        // A fixed instance id, as the Helm chart's StatefulSet gives each pod: the restarted service rejoins its
        // consumer group as the member it was.
        props.put("kafka-streams.group.instance.id", "consent-relay-bench-0");
        Map<String, String> connectorProps = new LinkedHashMap<>();
        for (String vendor : vendorIds) {
            String prefix = "consent-relay.connectors.vendors." + vendor + ".";
            connectorProps.put(prefix + "adapter", "webhook");
            connectorProps.put(prefix + "insecure", "true");
            connectorProps.put(prefix + "url", webhooks.url(vendor));
            connectorProps.put(prefix + "secret", WEBHOOK_SECRET);
            connectorProps.put(prefix + "rate-limit", String.valueOf(options.vendorRateLimit()));
            connectorProps.put(prefix + "batch-size", String.valueOf(options.batchSize()));
        }
        if (options.connectors() == BenchOptions.Connectors.IN_PROCESS) {
            props.putAll(connectorProps);
        }
        props.putAll(options.serviceProperties());
        Path serviceLog = outDir.resolve("service.log");
        Files.deleteIfExists(serviceLog);
        ConsumerLag lag = new ConsumerLag(admin);

        props.putIfAbsent("consent-relay.privacy.identifier-key", "benchmark-identifier-key");
        PackagedService service = PackagedService.in(work.resolve("service")).jar(options.serviceJar())
                .heap(options.serviceHeap()).jvmArgs(options.serviceJvmArgs()).properties(props).logFile(serviceLog)
                .environment(serviceEnvironment()).prepare();
        try (service;
                PackagedService connectors = connectorProcess(work, outDir, bootstrap, registryUrl,
                        connectorProps)) {
            long startedAt = System.nanoTime();
            log("Starting the service (log: " + serviceLog + ")");
            service.start();
            service.awaitStreamsRunning(START_TIMEOUT);
            section("service").put("startSeconds", round(seconds(System.nanoTime() - startedAt)))
                    .put("heap", options.serviceHeap()).put("mallocArenaMax", serviceEnvironment().get(MALLOC_ARENAS))
                    .put("log", serviceLog.toString())
                    .put("connectors", switch (options.connectors()) {
                        case IN_PROCESS -> "in the service";
                        case SEPARATE -> "separate process";
                        case NONE -> "none: the processor alone, no command acknowledged";
                    });
            checkpoint("service");
            List<String> commandTopics = vendorIds.stream().map(v -> "consent.commands." + v + ".v1").toList();
            awaitTopics(admin, commandTopics);
            if (connectors != null) {
                log("Starting the connector process (log: " + connectors.logFile() + ")");
                connectors.start();
                connectors.awaitHealth("/q/health/ready", START_TIMEOUT);
            }

            try (KafkaProducer<String, ConsentSignal> bulk = producer(bootstrap, registry, true)) {
                preload(bulk, lag, admin);
                openLoop(bootstrap, registry, lag, admin, webhooks, commandTopics);
                checkpoint("openLoop");
                Map<TopicPartition, Long>[] batch = maxThroughput(bulk, bootstrap, lag, admin, service,
                        commandTopics, Batch.MIX);
                checkpoint(Batch.MIX.section);
                maxThroughput(bulk, bootstrap, lag, admin, service, commandTopics, Batch.REFUSALS);
                OptionalLong rss = service.peakRssBytes();
                section("service").put("peakRssMiB", rss.isPresent() ? mib(rss.getAsLong()) : null);
                if (connectors != null) {
                    OptionalLong connectorRss = connectors.peakRssBytes();
                    section("connectorProcess").put("heap", options.connectorHeap())
                            .put("peakRssMiB", connectorRss.isPresent() ? mib(connectorRss.getAsLong()) : null)
                            .put("log", connectors.logFile().toString());
                }
                checkpoint(Batch.REFUSALS.section);
                log("Peak RSS: service " + section("service").get("peakRssMiB") + " MiB" + (connectors == null
                        ? ""
                        : ", connector process " + section("connectorProcess").get("peakRssMiB") + " MiB"));
                restore(service, stateDir, bulk, bootstrap, registry, commandTopics.get(0));
                checkpoint("restore");
                service.stop();
                if (connectors != null) {
                    connectors.stop();
                }
                baseline(bootstrap, admin, registry, work, batch[0], batch[1]);
            }
        }
        report.remove(MEASURED_UP_TO);
        report.set("targets", Report.targets(report, options));
    }

    /**
     * Writes the report as far as it goes and logs the phase just measured: a run that fails or is stopped in a later
     * phase (the restore of a large table can take long) keeps what it measured. A partial report names its last
     * phase in {@value #MEASURED_UP_TO}; the complete one has no such field and carries the targets.
     */
    private void checkpoint(String phase) throws IOException {
        report.put(MEASURED_UP_TO, phase);
        Files.writeString(options.out(), JSON.writeValueAsString(report));
        log("Measured " + phase + ": " + report.get(phase));
    }

    /**
     * The vendor connectors as their own service process ({@code consent-relay.role=connector}), as the Helm chart
     * deploys them; {@code null} when they run inside the service.
     */
    private PackagedService connectorProcess(Path work, Path outDir, String bootstrap, String registryUrl,
            Map<String, String> connectorProps) throws IOException {
        if (options.connectors() != BenchOptions.Connectors.SEPARATE) {
            return null;
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("consent-relay.schema-registry.url", registryUrl);
        props.put("consent-relay.role", "connector");
        props.putAll(connectorProps);
        Path log = outDir.resolve("connectors.log");
        Files.deleteIfExists(log);
        props.putIfAbsent("consent-relay.privacy.identifier-key", "benchmark-identifier-key");
        return PackagedService.in(work.resolve("connectors")).jar(options.serviceJar()).heap(options.connectorHeap())
                .properties(props).logFile(log).environment(serviceEnvironment()).prepare();
    }

    /**
     * The environment the service runs with, as the container image sets it: glibc's malloc in one arena (RocksDB
     * allocates from every thread, and with the default of eight per core its freed memory stays spread over arenas
     * the process keeps). An exported {@code MALLOC_ARENA_MAX} is used instead.
     */
    private static Map<String, String> serviceEnvironment() {
        return Map.of(MALLOC_ARENAS, System.getenv().getOrDefault(MALLOC_ARENAS, "1"));
    }

    // ---- phases ---------------------------------------------------------------------------------------------

    private void preload(KafkaProducer<String, ConsentSignal> producer, ConsumerLag lag, Admin admin)
            throws Exception {
        log("Preloading " + options.subjects() + " subjects");
        SignalFactory factory = new SignalFactory(runId, options.subjects(), 1);
        long start = System.nanoTime();
        Sends sends = new Sends();
        for (long i = 0; i < options.subjects(); i++) {
            ConsentSignal signal = factory.preload(i);
            producer.send(new ProducerRecord<>(SIGNALS, signal.getSubjectId(), signal), sends);
        }
        producer.flush();
        sends.check();
        long done = lag.awaitZero(GROUP, INPUTS, timeoutFor(options.subjects()));
        long proofBacklog = lag.lag(GROUP, lag.partitions(List.of(AUDIT)));
        double secs = seconds(done - start);
        section("preload").put("signals", options.subjects()).put("seconds", round(secs))
                .put("signalsPerSecond", round(options.subjects() / secs));
        checkpoint("preload");
        // The open loop measures a service at its rate, not one still working through the preload's
        // acknowledgements: it starts once nothing more is written (every command acknowledged and tracked).
        log("Preload decided in " + round(secs) + " s; waiting until its propagation has settled");
        new WrittenRecords(admin, lag, List.of(SIGNALS, GPC_SIGNALS)).settled(timeoutFor(options.subjects() * 5));
        double settled = seconds(System.nanoTime() - start) - WrittenRecords.SETTLE.toSeconds();
        section("preload").put("settledSeconds", round(settled));
        awaitProofStore(lag, section("preload"), done, proofBacklog, timeoutFor(options.subjects()));
    }

    /**
     * Waits until the service has read the audit topic up to its end into the proof store, and reports that store's
     * backlog when the phase's signals were decided and when it caught up. The proof store shares the stream thread
     * with the consent path and a burst leaves it behind (it reads a few hundred events per partition a poll); the
     * next phase then measures a service that has caught up, and a phase's figures leave no work unreported.
     */
    private void awaitProofStore(ConsumerLag lag, ObjectNode section, long decidedAt, long backlog, Duration timeout)
            throws Exception {
        long caughtUp = backlog == 0 ? System.nanoTime() : lag.awaitZero(GROUP, List.of(AUDIT), timeout);
        section.putObject("proofStore").put("backlogWhenDecided", backlog)
                .put("caughtUpSecondsAfterDecided", round(Math.max(0, seconds(caughtUp - decidedAt))));
        if (backlog > 0) {
            log("The proof store was " + backlog + " audit events behind when the signals were decided; caught up "
                    + round(seconds(caughtUp - decidedAt)) + " s later");
        }
    }

    private void openLoop(String bootstrap, SchemaRegistryClient registry, ConsumerLag lag, Admin admin,
            WebhookSink webhooks, List<String> commandTopics) throws Exception {
        long total = (long) options.rate() * options.durationSeconds();
        log("Open loop: " + total + " signals at " + options.rate() + "/s (" + SignalFactory.MIX + ")");
        boolean acksTopic = admin.listTopics().names().get().contains(ACKS);
        long webhooksBefore = webhooks.deliveries();
        SignalFactory factory = new SignalFactory(runId, options.subjects(), 2);
        Serializer<ConsentSignal> serializer = AvroSerde.forClass(ConsentSignal.class, registry, false).serializer();
        Histogram behind = new Histogram(Duration.ofMinutes(10).toNanos() / 1000, 3);
        long duplicates = 0;
        long commandsStart;
        try (LatencyWatcher watcher = LatencyWatcher.start(bootstrap, registry, commandTopics,
                acksTopic ? ACKS : null);
                KafkaProducer<String, ConsentSignal> producer = new KafkaProducer<>(producerConfig(bootstrap, false),
                        new StringSerializer(), serializer)) {
            warmUp(producer, serializer, factory);
            ObjectNode warm = JSON.createObjectNode();
            if (options.warmUpSeconds() > 0) {
                warmUpAtRate(producer, factory, lag, watcher, warm);
            }
            commandsStart = watcher.commands();
            BacklogSampler backlog = BacklogSampler.start(lag, GROUP, INPUTS);
            Sends sends = new Sends();
            long t0 = System.nanoTime() + Duration.ofMillis(100).toNanos();
            for (long i = 0; i < total; i++) {
                long intended = pace(t0, i);
                behind.recordValue(Math.min(behind.getHighestTrackableValue(), (System.nanoTime() - intended) / 1000));
                SignalFactory.Generated generated = factory.next();
                if (generated.duplicate()) {
                    duplicates++;
                } else {
                    watcher.expect(generated.signalId(), intended);
                }
                send(producer, generated.signal(), sends);
            }
            long sentAt = System.nanoTime();
            producer.flush();
            sends.check();
            double sendSeconds = seconds(sentAt - t0);
            lag.awaitZero(GROUP, INPUTS, timeoutFor(total));
            backlog.close();
            awaitStable(watcher::commands, Duration.ofSeconds(1), Duration.ofSeconds(15));
            boolean acksSeen = false;
            if (acksTopic && watcher.matchedCommands() > 0) {
                long deadline = System.nanoTime() + Duration.ofSeconds(options.ackTimeoutSeconds()).toNanos();
                while (System.nanoTime() < deadline && watcher.matchedAcks() < watcher.matchedCommands()) {
                    Thread.sleep(100);
                }
                acksSeen = watcher.matchedAcks() > 0;
            }
            watcher.stopRecording();
            watcher.close();
            ObjectNode node = section("openLoop");
            node.put("targetRate", options.rate()).put("signals", total).put("duplicates", duplicates)
                    .put("achievedRate", round(total / sendSeconds))
                    .put("senderBehindMsP99", round(behind.getValueAtPercentile(99) / 1000.0))
                    .put("commands", watcher.commands() - commandsStart)
                    .put("commandsMatched", watcher.matchedCommands())
                    .put("acks", watcher.acks()).put("acksMatched", watcher.matchedAcks())
                    .put("webhookDeliveries", webhooks.deliveries() - webhooksBefore)
                    .put("mix", SignalFactory.MIX);
            node.set("warmUp", warm);
            // Where the latency comes from: a backlog that grows evenly is throughput, one that jumps is a stall.
            backlog.samples().forEach(node.putArray("serviceBacklogBySecond")::add);
            watcher.worstDecisionBySecond().forEach(node.putArray("worstDecisionLatencyMsBySecond")::add);
            if (watcher.decision().getTotalCount() > 0) {
                node.set("decisionLatencyMs", Report.latency(watcher.decision()));
            } else {
                node.put("decisionLatencyMs", "n/a");
            }
            if (watcher.decisionSettled().getTotalCount() > 0) {
                node.put("settledAfterSeconds", LatencyWatcher.SETTLING.toSeconds());
                node.set("decisionLatencyMsSettled", Report.latency(watcher.decisionSettled()));
            }
            if (acksSeen) {
                node.set("propagationLatencyMs", Report.latency(watcher.propagation()));
                if (watcher.propagationSettled().getTotalCount() > 0) {
                    node.set("propagationLatencyMsSettled", Report.latency(watcher.propagationSettled()));
                }
            } else {
                node.put("propagationLatencyMs", "n/a");
                node.put("propagationNote", acksTopic
                        ? "no acknowledgement on " + ACKS + " within " + options.ackTimeoutSeconds()
                                + " s (no connector running?)"
                        : ACKS + " does not exist");
            }
        }
    }

    /**
     * Sends the open loop's mix at its rate for {@code --warm-up} seconds and waits until the service has decided it
     * and its propagation has settled: the measured phase then starts on a service that has run the mix's code paths
     * (the preload runs two kinds of signal only) and read rows of the whole table. Its backlog second by second goes
     * to the report, so the warm-up's cost stays visible.
     */
    private void warmUpAtRate(KafkaProducer<String, ConsentSignal> producer, SignalFactory factory, ConsumerLag lag,
            LatencyWatcher watcher, ObjectNode report) throws Exception {
        long total = (long) options.rate() * options.warmUpSeconds();
        log("Open loop warm-up: " + total + " signals at " + options.rate() + "/s, not measured");
        BacklogSampler backlog = BacklogSampler.start(lag, GROUP, INPUTS);
        Sends sends = new Sends();
        long t0 = System.nanoTime() + Duration.ofMillis(100).toNanos();
        for (long i = 0; i < total; i++) {
            pace(t0, i);
            send(producer, factory.next().signal(), sends);
        }
        producer.flush();
        sends.check();
        lag.awaitZero(GROUP, INPUTS, timeoutFor(total));
        double drained = seconds(System.nanoTime() - t0);
        backlog.close();
        awaitStable(watcher::commands, Duration.ofSeconds(1), Duration.ofSeconds(15));
        report.put("signals", total).put("seconds", options.warmUpSeconds()).put("drainedAfterSeconds",
                round(drained));
        backlog.samples().forEach(report.putArray("serviceBacklogBySecond")::add);
    }

    /** Waits until the {@code i}th signal of a loop that started at {@code t0} is due; returns when it was due. */
    private long pace(long t0, long i) {
        long intended = t0 + (long) (i * (1e9 / options.rate()));
        long now;
        while ((now = System.nanoTime()) < intended) {
            LockSupport.parkNanos(intended - now);
        }
        return intended;
    }

    private static void send(KafkaProducer<String, ConsentSignal> producer, ConsentSignal signal, Sends sends) {
        String topic = signal.getKind() == SignalKind.GPC ? GPC_SIGNALS : SIGNALS;
        producer.send(new ProducerRecord<>(topic, signal.getSubjectId(), signal), sends);
    }

    /**
     * Fetches the topics' metadata and registers or looks up the schema for both input topics before the clock starts,
     * so the first scheduled sends do not pay for it.
     */
    private static void warmUp(KafkaProducer<String, ConsentSignal> producer, Serializer<ConsentSignal> serializer,
            SignalFactory factory) {
        ConsentSignal sample = factory.probe("warm-up");
        for (String topic : List.of(SIGNALS, GPC_SIGNALS)) {
            producer.partitionsFor(topic);
            serializer.serialize(topic, sample);
        }
    }

    /**
     * The signals of a max-throughput batch. The targets are read on the open loop's mix (the "records per
     * signal of the mix"); a batch of refusals alone, every signal issuing commands, is measured after it as the
     * heaviest case and reported beside it.
     */
    enum Batch {
        MIX("maxThroughput", "signals of the open loop's mix"), REFUSALS("maxThroughputRefusals",
                "refusals (opt-out, withdrawal, GPC)");

        final String section;
        final String description;

        Batch(String section, String description) {
            this.section = section;
            this.description = description;
        }
    }

    /** @return the batch's offsets on the signals topic: [from, to] */
    @SuppressWarnings("unchecked")
    private Map<TopicPartition, Long>[] maxThroughput(KafkaProducer<String, ConsentSignal> producer,
            String bootstrap, ConsumerLag lag, Admin admin, PackagedService service, List<String> commandTopics,
            Batch kind) throws Exception {
        long batch = options.batch();
        WrittenRecords written = new WrittenRecords(admin, lag, List.of(SIGNALS, GPC_SIGNALS));
        log("Max throughput: waiting until the earlier phase's propagation has settled");
        Map<String, Long> writtenBefore = written.settled(Duration.ofMinutes(5));
        log("Max throughput: " + batch + " " + kind.description + " as fast as possible");
        Set<TopicPartition> signalPartitions = lag.partitions(List.of(SIGNALS));
        Set<TopicPartition> commandPartitions = lag.partitions(commandTopics);
        Map<TopicPartition, Long> from = lag.endOffsets(signalPartitions);
        Map<TopicPartition, Long> commandsFrom = lag.endOffsets(commandPartitions);
        SignalFactory factory = new SignalFactory(runId, options.subjects(), kind == Batch.MIX ? 5 : 3);
        List<ConsentSignal> signals = new ArrayList<>((int) batch);
        for (long i = 0; i < batch; i++) {
            // One topic for the whole batch (GPC included), so the passthrough baseline copies all of it.
            signals.add(kind == Batch.MIX ? factory.next().signal() : factory.refusal());
        }
        Sends sends = new Sends();
        OptionalLong pid = service.pid();
        Optional<ThreadTimes.Snapshot> cpuBefore = pid.isPresent()
                ? ThreadTimes.take(pid.getAsLong())
                : Optional.empty();
        long start = System.nanoTime();
        for (ConsentSignal signal : signals) {
            producer.send(new ProducerRecord<>(SIGNALS, signal.getSubjectId(), signal), sends);
        }
        producer.flush();
        long produced = System.nanoTime();
        sends.check();
        long done = lag.awaitZero(GROUP, INPUTS, timeoutFor(batch));
        long proofBacklog = lag.lag(GROUP, lag.partitions(List.of(AUDIT)));
        Optional<ThreadTimes.Snapshot> cpuAfter = cpuBefore.isPresent()
                ? ThreadTimes.take(pid.getAsLong())
                : Optional.empty();
        Map<TopicPartition, Long> to = lag.endOffsets(signalPartitions);
        Map<TopicPartition, Long> commandsTo = lag.endOffsets(commandPartitions);
        long commands = countCommitted(bootstrap, commandsFrom, commandsTo);
        double secs = seconds(done - start);
        section(kind.section).put("batch", kind.description).put("signals", batch)
                .put("produceSeconds", round(seconds(produced - start)))
                .put("seconds", round(secs)).put("signalsPerSecond", round(batch / secs)).put("commands", commands)
                .put("commandsPerSecond", round(commands / secs));
        if (cpuAfter.isPresent()) {
            ObjectNode cpu = section(kind.section).putObject("cpu");
            ThreadTimes.report(cpu, cpuBefore.get(), cpuAfter.get(), batch, STREAM_THREAD_PREFIX);
            log("Max throughput, where the time went: " + ThreadTimes.summary(cpu));
        }
        // Decided: the records written once every signal is decided; settled: once the connectors' acknowledgements
        // and the receipts they complete are written too.
        WrittenRecords.report(section(kind.section).putObject("written"), writtenBefore, written.snapshot(), batch);
        WrittenRecords.report(section(kind.section).putObject("writtenSettled"), writtenBefore,
                written.settled(timeoutFor(batch)), batch);
        Optional<ThreadTimes.Snapshot> cpuSettled = cpuBefore.isPresent()
                ? ThreadTimes.take(pid.getAsLong())
                : Optional.empty();
        if (cpuSettled.isPresent()) {
            // Until the acknowledgements and the receipts they complete are written: the connectors' whole cost.
            ObjectNode cpu = section(kind.section).putObject("cpuSettled");
            ThreadTimes.report(cpu, cpuBefore.get(), cpuSettled.get(), batch, STREAM_THREAD_PREFIX);
            log("Max throughput until settled, where the time went: " + ThreadTimes.summary(cpu));
        }
        awaitProofStore(lag, section(kind.section), done, proofBacklog, timeoutFor(batch));
        log("Records written per signal: " + section(kind.section).path("written").path("recordsPerSignal")
                + " when decided, " + section(kind.section).path("writtenSettled").path("recordsPerSignal")
                + " once acknowledged; per topic: "
                + section(kind.section).path("writtenSettled").path("recordsPerSignalByTopic"));
        return new Map[]{from, to};
    }

    private void restore(PackagedService service, Path stateDir, KafkaProducer<String, ConsentSignal> producer,
            String bootstrap, SchemaRegistryClient registry, String probeTopic) throws Exception {
        log("Restore: stopping the service, wiping " + stateDir + ", starting it again");
        service.stop();
        long stateBytes = sizeOf(stateDir);
        deleteRecursively(stateDir);
        SignalFactory factory = new SignalFactory(runId, options.subjects(), 4);
        ConsentSignal probe = factory.probe(runId + "-probe");
        String probeId = String.valueOf(probe.getSignalId());
        try (KafkaConsumer<String, PropagationCommand> consumer = readCommitted(bootstrap,
                new StringDeserializer(), new AvroDeserializer<>(PropagationCommand.class, registry, false))) {
            List<TopicPartition> partitions = consumer.partitionsFor(probeTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(probeTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            long start = System.nanoTime();
            service.start();
            producer.send(new ProducerRecord<>(SIGNALS, probe.getSubjectId(), probe));
            producer.flush();
            // Restoring reads every changelog again: the wait grows with what was written, like the other phases.
            Duration restoreTimeout = START_TIMEOUT.plus(timeoutFor(options.subjects()));
            long deadline = start + restoreTimeout.toNanos();
            long processed = 0;
            long running = 0;
            // Both watched from the start: a task whose stores are restored processes while others still restore.
            while ((processed == 0 || running == 0) && System.nanoTime() < deadline) {
                service.failIfExited();
                for (ConsumerRecord<String, PropagationCommand> record : consumer.poll(Duration.ofMillis(100))) {
                    if (probeId.equals(String.valueOf(record.value().getSignalId()))) {
                        processed = System.nanoTime();
                    }
                }
                if (running == 0 && "RUNNING".equals(service.streamsState())) {
                    running = System.nanoTime();
                }
            }
            if (running == 0) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + restoreTimeout
                        + " after the service's state was wiped. Last lines of " + service.logFile() + ":\n"
                        + service.logTail());
            }
            if (processed == 0) {
                throw new IllegalStateException("The service did not process a signal within " + restoreTimeout
                        + " after its state was wiped. Last lines of " + service.logFile() + ":\n"
                        + service.logTail());
            }
            section("restore").put("subjects", options.subjects()).put("stateDirMiB", mib(stateBytes))
                    .put("seconds", round(seconds(running - start)))
                    .put("secondsToFirstCommand", round(seconds(processed - start)))
                    .put("measuredAs", "process start until Kafka Streams is RUNNING, i.e. every store of every"
                            + " task restored from its changelog; secondsToFirstCommand: until a signal sent at the"
                            + " start has its command visible read_committed, after whatever backlog the restarted"
                            + " service found");
        }
    }

    /** The service's producer compression: the {@code --service-prop} given, else its application.properties. */
    private String serviceCompression() throws IOException {
        String key = "kafka-streams.producer.compression.type";
        String given = options.serviceProperties().get(key);
        if (given != null) {
            return given;
        }
        Properties defaults = new Properties();
        try (InputStream in = Benchmark.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                defaults.load(in);
            }
        }
        return defaults.getProperty(key, "none");
    }

    private void baseline(String bootstrap, Admin admin, SchemaRegistryClient registry, Path work,
            Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) throws Exception {
        long records = Math.max(options.baselineRecords(), ConsumerLag.lag(from, to));
        String compression = serviceCompression();
        log("Baseline: Kafka Streams passthrough of " + records + " copies of the max-throughput phase's "
                + ConsumerLag.lag(from, to) + " signals");
        PassthroughBaseline.Result result = PassthroughBaseline.run(bootstrap, admin, registry,
                new PassthroughBaseline.Source(SIGNALS, from, to, records), new PassthroughBaseline.Settings(
                        work.resolve("baseline"), runId, timeoutFor(records), compression));
        double ours = report.path("maxThroughput").path("signalsPerSecond").asDouble();
        ObjectNode baseline = section("baseline").put("description", "Kafka Streams passthrough "
                + PassthroughBaseline.INPUT_TOPIC + " -> " + PassthroughBaseline.OUTPUT_TOPIC
                + " (copies of the max-throughput phase's signals), AvroSerde<ConsentSignal>, exactly_once_v2, 1"
                + " thread; steady state after a warm-up of the first tenth")
                .put("compression", compression).put("signals", result.records())
                .put("seconds", round(result.seconds())).put("signalsPerSecond", round(result.recordsPerSecond()));
        baseline.putObject("warmUp").put("signals", result.warmUpRecords())
                .put("seconds", round(result.warmUpSeconds()));
        if (result.seconds() < 30) {
            baseline.put("note", "the steady state ran " + round(result.seconds()) + " s, under 30 s: raise"
                    + " --baseline-records for a steadier figure");
        }
        report.put("throughputRatioToBaseline",
                result.recordsPerSecond() <= 0 ? 0 : Math.round(ours / result.recordsPerSecond() * 1000) / 1000.0);
    }

    // ---- set-up ---------------------------------------------------------------------------------------------

    private void describeRun(String bootstrap, String registryUrl) {
        ObjectNode config = section("config");
        config.put("subjects", options.subjects()).put("vendors", options.vendors()).put("rate", options.rate())
                .put("durationSeconds", options.durationSeconds()).put("warmUpSeconds", options.warmUpSeconds())
                .put("batch", options.batch())
                .put("bootstrap", options.bootstrap() != null
                        ? bootstrap
                        : (options.brokerProcess() ? "embedded, own process " + BROKER_JVM : "embedded, benchmark JVM")
                                + " (" + bootstrap + ")")
                .put("registry", registryUrl).put("serviceHeap", options.serviceHeap())
                .put("connectors", options.connectors().option()).put("webhookBatchSize", options.batchSize())
                .put("vendorRateLimit", options.vendorRateLimit())
                .put("atTargetConditions", options.atTargetConditions());
        section("machine").put("cores", Runtime.getRuntime().availableProcessors())
                .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
                .put("arch", System.getProperty("os.arch")).put("java", System.getProperty("java.version"))
                .put("memoryMiB", totalMemoryMiB());
    }

    List<String> vendorIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < options.vendors(); i++) {
            ids.add(String.format("bench-v%02d", i));
        }
        return ids;
    }

    /**
     * V vendors: purposes in pairs around the catalogue; regions everywhere, EU/UK, or US/CA in turn; every fourth
     * (from the second) a sub-processor of the one before, inheriting its purposes. The first serves every region
     * and advertising, so an opt-out of everything in US-CA always reaches it.
     */
    String vendorsYaml(List<String> ids) {
        StringBuilder yaml = new StringBuilder("vendors:\n");
        for (int i = 0; i < ids.size(); i++) {
            yaml.append("  - id: ").append(ids.get(i)).append('\n');
            yaml.append("    name: Benchmark vendor ").append(i).append('\n');
            if (i % 4 == 1) {
                yaml.append("    kind: SUB_PROCESSOR\n    parent: ").append(ids.get(i - 1)).append('\n');
                yaml.append("    actions: [SUPPRESS, DELETE]\n");
            } else {
                yaml.append("    purposes: [").append(PURPOSES.get(i % PURPOSES.size())).append(", ")
                        .append(PURPOSES.get((i + 3) % PURPOSES.size())).append("]\n");
                yaml.append("    actions: [SUPPRESS, DELETE, RESUME]\n");
            }
            String regions = switch (i % 3) {
                case 0 -> "[]";
                case 1 -> "[EU, UK]";
                default -> "[\"US-*\", CA]";
            };
            yaml.append("    regions: ").append(i % 4 == 1 ? "[]" : regions).append('\n');
            yaml.append("    sla: 1h\n");
        }
        return yaml.toString();
    }

    private static KafkaProducer<String, ConsentSignal> producer(String bootstrap, SchemaRegistryClient registry,
            boolean bulk) {
        return new KafkaProducer<>(producerConfig(bootstrap, bulk), new StringSerializer(),
                AvroSerde.forClass(ConsentSignal.class, registry, false).serializer());
    }

    private static Map<String, Object> producerConfig(String bootstrap, boolean bulk) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        if (bulk) {
            config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        }
        // Otherwise the client's defaults, as a platform's producer has them (Kafka 4: linger.ms 5, batch.size 16 KiB);
        // linger.ms 0 made each signal of the open loop a request of its own, a load on the broker no real producer
        // of a thousand signals a second would put there.
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        return config;
    }

    private static <K, V> KafkaConsumer<K, V> readCommitted(String bootstrap,
            org.apache.kafka.common.serialization.Deserializer<K> keys,
            org.apache.kafka.common.serialization.Deserializer<V> values) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100), keys, values);
    }

    /** Committed records between two offset snapshots (read_committed, so transaction markers do not count). */
    private static long countCommitted(String bootstrap, Map<TopicPartition, Long> from,
            Map<TopicPartition, Long> to) {
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(bootstrap, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = to.keySet().stream().filter(tp -> to.get(tp) > from.getOrDefault(tp,
                    0L)).toList();
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
            long count = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < to.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
                        count++;
                    }
                }
            }
            return count;
        }
    }

    private static void awaitTopics(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!admin.listTopics().names().get().containsAll(topics)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The service did not create the command topics " + topics);
            }
            Thread.sleep(200);
        }
    }

    private static void awaitStable(java.util.function.LongSupplier counter, Duration quiet, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long last = counter.getAsLong();
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - lastChange < quiet.toNanos()) {
            Thread.sleep(50);
            long now = counter.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
    }

    /** Failed sends are counted and the first error kept; a benchmark with lost input would be meaningless. */
    private static final class Sends implements Callback {
        private final AtomicLong failures = new AtomicLong();
        private final AtomicReference<Exception> first = new AtomicReference<>();

        @Override
        public void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                failures.incrementAndGet();
                first.compareAndSet(null, exception);
            }
        }

        void check() {
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " signals could not be sent", first.get());
            }
        }
    }

    /** Generous: a 2-core machine running broker, service and vendors processes a few hundred signals/s. */
    private static Duration timeoutFor(long records) {
        return Duration.ofSeconds(120 + records / 100);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static double mib(long bytes) {
        return round(bytes / (1024.0 * 1024.0));
    }

    private static Long totalMemoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static long sizeOf(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log("Could not delete " + dir + ": " + e);
        }
    }

    static void log(String message) {
        System.out.printf("[bench %tT] %s%n", System.currentTimeMillis(), message);
        System.out.flush();
    }

    private ObjectNode section(String name) {
        return report.has(name) ? (ObjectNode) report.get(name) : report.putObject(name);
    }
}
