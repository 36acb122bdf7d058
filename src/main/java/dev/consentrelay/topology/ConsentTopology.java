package dev.consentrelay.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import dev.consentrelay.domain.IdentifierHasher;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.PolicyEngine;
import dev.consentrelay.domain.SignalValidator;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationAnswers;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.serde.UpgradingDeserializer;

/**
 * The consent topology:
 *
 * <pre>
 * signals ─┐                                        ┌─ dead letters (original bytes + reason), audit (rejections)
 * gpc ─────┴─ merge ─ decode-signal (bytes → valid) ─┤
 *                                                    ├─ (keyed by subject, in its partition) ─────────┐
 *                                                    └─ (any other) signals-by-subject (repartition) ──┴─ apply-signal
 *                      [consent-table (with recent signal ids), grant-expiry-index, vendors*]
 *                      ├─ subject-state (compacted)
 *                      ├─ commands.&lt;vendorId&gt;
 *                      ├─ audit (the decision, listing its commands)
 *                      ├─ signals (keyed by a linked subject: a LINK's other side, a refusal crossing a link) ─┐
 *                      │    back to decode-signal in the linked subject's task, in this transaction ◄──────────┘
 *                      ├─ backfill-vendors [consent-table, vendor-backfill]
 *                      │    └─ commands.&lt;vendorId&gt;, audit (SUPPRESS to new vendors)
 *                      └─ (opened entries, from both) ─┐
 * command-acks (keyed by subject) ──────────────────────┴─ track-propagation [signal-propagation,
 *                                                          propagation-answers + indexes]
 *                      ├─ propagation-receipts
 *                      ├─ sla-breaches
 *                      └─ audit (the receipt or breach, listing the acknowledgements)
 * vendors ─ update-vendors ─ [vendors*] (global table)
 * audit (keyed subjectId|recordedAt|eventId) ─ record-subject-audit [subject-audit, restored from the audit topic]
 * </pre>
 *
 * Everything about a subject happens in one task: decode, apply-signal, backfill-vendors and track-propagation form
 * one sub-topology over the signal topics, the repartition and the acknowledgements, which share one partition
 * count (checked at start-up). The only re-keying is that of a signal not keyed by its subject.
 *
 * Every operator and store is named, so internal topic names never shift between releases.
 */
public final class ConsentTopology {

    private ConsentTopology() {
    }

    /** Default of {@link Builder#dedupWindow}. */
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofDays(7);
    /** Default of {@link Builder#expiryInterval}. */
    public static final Duration DEFAULT_EXPIRY_INTERVAL = Duration.ofSeconds(30);
    /** Default of {@link Builder#slaCheckInterval}. */
    public static final Duration DEFAULT_SLA_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** Default of {@link Builder#receiptRetention}. */
    public static final Duration DEFAULT_RECEIPT_RETENTION = Duration.ofDays(7);
    /** Default of {@link Builder#commitPace}: the processor with the process to itself. */
    public static final Duration DEFAULT_COMMIT_PACE = Duration.ofMillis(50);
    /**
     * The commit pace where the vendor connectors run in the same process and share its cores: at 1,000,000 subjects
     * and 500 signals/s a 50 ms pace fell behind there for ten seconds at a time (docs/benchmark.md).
     */
    public static final Duration DEFAULT_COMMIT_PACE_WITH_CONNECTORS = Duration.ofMillis(100);
    /** Default of {@link Builder#erasureHorizon}. */
    public static final Duration DEFAULT_ERASURE_HORIZON = Duration.ofDays(7);
    /** Grant expiries applied per wall-clock tick at most, so one tick never holds the task for long. */
    static final int EXPIRY_BATCH = 1000;
    /** Overdue commands looked at per SLA check at most. */
    static final int SLA_CHECK_BATCH = 1000;
    /** How often the per-subject audit store is swept of events past their retention, and how many per sweep. */
    static final Duration AUDIT_SWEEP_INTERVAL = Duration.ofMinutes(1);
    static final int AUDIT_SWEEP_BATCH = 1000;
    /** Segment size of the answers changelog: some hundreds of thousands of answers records each. */
    static final int ANSWERS_SEGMENT_BYTES = 32 * 1024 * 1024;

    /**
     * The one way to obtain the topology, in production and in tests: the three things it cannot do without, then
     * whatever differs from the defaults above.
     */
    public static Builder builder(TopicNames topics, Policy policy, SchemaRegistryClient registry) {
        return new Builder(topics, policy, registry);
    }

    /** The commit pace when none is configured, by whether the vendor connectors run in the same process. */
    public static Duration defaultCommitPace(boolean connectorsInProcess) {
        return connectorsInProcess ? DEFAULT_COMMIT_PACE_WITH_CONNECTORS : DEFAULT_COMMIT_PACE;
    }

    /** Builds the consent topology; every setting but topics, policy and registry has a default. */
    public static final class Builder {

        private final TopicNames topics;
        private final Policy policy;
        private final SchemaRegistryClient registry;
        private Duration dedupWindow = DEFAULT_DEDUP_WINDOW;
        private Duration expiryInterval = DEFAULT_EXPIRY_INTERVAL;
        private VendorTopicListener vendorTopics = VendorTopicListener.NONE;
        private ConsentMetrics metrics = ConsentMetrics.NONE;
        private VendorDirectory vendors = new VendorDirectory();
        private Duration slaCheckInterval = DEFAULT_SLA_CHECK_INTERVAL;
        private Duration receiptRetention = DEFAULT_RECEIPT_RETENTION;
        private int partitions = 1;
        private OutputLimits outputLimits = OutputLimits.defaults();
        private IdentifierHasher hasher;
        private Duration erasureHorizon = DEFAULT_ERASURE_HORIZON;
        private QueryStores queryStores = QueryStores.defaults();
        private Duration commitPace = DEFAULT_COMMIT_PACE;

        private Builder(TopicNames topics, Policy policy, SchemaRegistryClient registry) {
            this.topics = topics;
            this.policy = policy;
            this.registry = registry;
        }

        /** How long signal ids are remembered in the subject's row, to recognise a redelivered signal. */
        public Builder dedupWindow(Duration value) {
            this.dedupWindow = value;
            return this;
        }

        /** How often (wall clock) grants whose time is up are looked for. */
        public Builder expiryInterval(Duration value) {
            this.expiryInterval = value;
            return this;
        }

        /** Told when a vendor appears, to create its command topic. */
        public Builder vendorTopics(VendorTopicListener value) {
            this.vendorTopics = value;
            return this;
        }

        /** Monitoring hooks. */
        public Builder metrics(ConsentMetrics value) {
            this.metrics = value;
            return this;
        }

        /** The vendor snapshot the fan-out reads (shared with the global table). */
        public Builder vendors(VendorDirectory value) {
            this.vendors = value;
            return this;
        }

        /** How often (wall clock) overdue commands are looked for. */
        public Builder slaCheckInterval(Duration value) {
            this.slaCheckInterval = value;
            return this;
        }

        /** How long a signal's tracking entry stays queryable after its receipt (or breach). */
        public Builder receiptRetention(Duration value) {
            this.receiptRetention = value;
            return this;
        }

        /**
         * The partition count of the signal topics, which the acknowledgements topic and the
         * {@code signals-by-subject} repartition share, so one task sees everything about a subject.
         */
        public Builder partitions(int value) {
            this.partitions = value;
            return this;
        }

        /** The largest record each output topic accepts. */
        public Builder outputLimits(OutputLimits value) {
            this.outputLimits = value;
            return this;
        }

        /** The keyed hash that replaces identifiers in the audit trail and in an erased row; random by default. */
        public Builder hasher(IdentifierHasher value) {
            this.hasher = value;
            return this;
        }

        /** How long an overwritten row (raw identifiers included) may survive in the consent table's changelog. */
        public Builder erasureHorizon(Duration value) {
            this.erasureHorizon = value;
            return this;
        }

        /** The query-side stores: the per-subject audit and the vendor backfill. */
        public Builder queryStores(QueryStores value) {
            this.queryStores = value;
            return this;
        }

        /**
         * While the service is caught up, its outputs are committed on its first fresh record and then at most this
         * far apart rather than at the commit interval, which then paces a backlog only ({@link CommitPacer}); zero
         * leaves every commit to the interval.
         */
        public Builder commitPace(Duration value) {
            this.commitPace = value;
            return this;
        }

        /** The topology. */
        public Topology build() {
            return ConsentTopology.build(new Settings(topics, policy, registry, dedupWindow, expiryInterval,
                    vendorTopics, metrics, vendors, slaCheckInterval, receiptRetention, partitions, outputLimits,
                    hasher == null ? IdentifierHasher.random() : hasher, erasureHorizon, new CommitPacer(commitPace)),
                    queryStores);
        }
    }

    /** What the builder gathered, as the parts of the topology read it. */
    record Settings(TopicNames topics, Policy policy, SchemaRegistryClient registry, Duration dedupWindow,
            Duration expiryInterval, VendorTopicListener vendorTopics, ConsentMetrics metrics,
            VendorDirectory vendors, Duration slaCheckInterval, Duration receiptRetention, int partitions,
            OutputLimits outputLimits, IdentifierHasher hasher, Duration erasureHorizon, CommitPacer pacer) {
    }

    private static Topology build(Settings settings, QueryStores queryStores) {
        TopicNames topics = settings.topics();
        ConsentTopics io = ConsentTopics.of(topics, settings.registry());
        PolicyEngine engine = new PolicyEngine(settings.policy(), settings.hasher());
        SignalValidator validator = new SignalValidator(settings.policy());

        StreamsBuilder builder = new StreamsBuilder();
        // The row of an earlier release (the state alone) is read as a row with no recent signal ids.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.CONSENT_TABLE), Serdes.String(),
                Serdes.serdeFrom(AvroSerde.forClass(ConsentRow.class, settings.registry(), false).serializer(),
                        new UpgradingDeserializer<>(ConsentRow.class, SubjectConsentState.class,
                                state -> new ConsentRow(state, new ArrayList<>(), new ArrayList<>(), true),
                                settings.registry())))
                // An erased row's earlier versions leave the changelog within the erasure horizon.
                .withLoggingEnabled(Map.of(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
                        String.valueOf(settings.erasureHorizon().toMillis()))));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.GRANT_EXPIRY_INDEX), Serdes.String(), Serdes.String()));
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.VENDORS), Serdes.String(),
                        io.vendors().valueSerde()).withLoggingDisabled(),
                io.vendors().name(), io.vendors().consumed("vendors-source"),
                () -> new UpdateVendorsProcessor(settings.vendors(), settings.vendorTopics()));

        KStream<byte[], byte[]> signals = builder.stream(topics.signals(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("signals-source"));
        KStream<byte[], byte[]> gpc = builder.stream(topics.gpcSignals(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("gpc-source"));
        KStream<String, Outbound> decoded = signals.merge(gpc, Named.as("merge-signals"))
                .process(() -> new DecodeSignalProcessor(io.signals().valueSerde().deserializer(), validator,
                        settings.policy().version(), settings.metrics(), settings.partitions(), settings.hasher(),
                        settings.pacer()),
                        Named.as("decode-signal"));

        Map<String, KStream<String, Outbound>> byKind = decoded.split(Named.as("decoded-"))
                .branch((key, value) -> value instanceof Outbound.Accepted accepted && accepted.placed(),
                        Branched.as("placed"))
                .branch((key, value) -> value instanceof Outbound.Accepted, Branched.as("misplaced"))
                .defaultBranch(Branched.as("refused"));
        route(byKind.get("decoded-refused"), "refused", io);

        // A signal already in its subject's partition goes straight to the consent table; any other is re-keyed
        // through signals-by-subject, which has the signal topics' partition count, so it reaches the same task.
        KStream<String, ConsentSignal> placed = byKind.get("decoded-placed")
                .mapValues(value -> ((Outbound.Accepted) value).signal(), Named.as("placed-signal"));
        KStream<String, ConsentSignal> rekeyed = byKind.get("decoded-misplaced")
                .mapValues(value -> ((Outbound.Accepted) value).signal(), Named.as("misplaced-signal"))
                .repartition(Repartitioned.with(io.signals().keySerde(), io.signals().valueSerde())
                        .withName("signals-by-subject")
                        .withNumberOfPartitions(settings.partitions()));
        addPropagationStores(builder, settings);
        KStream<String, Outbound> applied = placed.merge(rekeyed, Named.as("merge-by-subject"))
                .process(() -> new ApplySignalProcessor(engine, settings.vendors(),
                        new ApplySignalProcessor.Timing(settings.dedupWindow(), settings.expiryInterval(),
                                EXPIRY_BATCH, settings.pacer()),
                        io.signals().valueSerde().serializer(), topics.signals(), settings.metrics(),
                        outputCheck(settings, io)),
                        Named.as("apply-signal"), StoreNames.CONSENT_TABLE, StoreNames.GRANT_EXPIRY_INDEX);
        route(applied, "applied", io);
        // A refusal crossing a link, or a link's other side, goes back to the signal topic keyed by the linked
        // subject: the one way into that subject's task, exactly once with the rest of this transaction.
        applied.filter((key, value) -> value instanceof Outbound.Linked, Named.as("linked-filter"))
                .mapValues(value -> ((Outbound.Linked) value).signal(), Named.as("linked-signal"))
                .to(io.signals().name(), io.signals().produced("linked-sink"));
        KStream<String, Outbound> backfill = addBackfill(builder, settings, queryStores, engine, applied, io);
        track(builder, settings, applied.merge(backfill, Named.as("merge-backfill")), io);
        Topology topology = builder.build();
        addSubjectAudit(topology, io, queryStores);
        return topology;
    }

    /**
     * The propagation stores of the subject's task: each signal's entry (logged) and the indexes derived from the
     * entries, rebuilt when the task starts (no changelog). On disk, not in the heap: under a backlog they hold an
     * entry per unanswered signal.
     */
    private static void addPropagationStores(StreamsBuilder builder, Settings settings) {
        // Not cached: an entry is written once, when its signal is decided (its answers go to the store below), so a
        // cache would fold nothing; it kept each serialized entry in the heap until newer ones pushed it out, long
        // enough to be promoted to the old generation, and the full collections that then reclaimed it stalled the
        // stream thread. A new entry is read back from the ledger's objects or RocksDB's memtable.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.SIGNAL_PROPAGATION), Serdes.String(),
                PropagationEntrySerde.of(settings.registry())).withCachingDisabled());
        // Cached: the acknowledgements of one signal's commands, which its vendors send at about the same time, reach
        // the changelog as one record per commit interval rather than one each. Each answer rewrites its signal's
        // record, so most of this changelog is superseded: segments of
        // ANSWERS_SEGMENT_BYTES (not the broker's 1 GiB) let the log cleaner compact it well before a restore reads it.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.PROPAGATION_ANSWERS), Serdes.String(),
                AvroSerde.forClass(PropagationAnswers.class, settings.registry(), false)).withCachingEnabled()
                .withLoggingEnabled(Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(ANSWERS_SEGMENT_BYTES))));
        for (String index : List.of(StoreNames.PROPAGATION_DEADLINES, StoreNames.PROPAGATION_RETENTION,
                StoreNames.SIGNAL_SUBJECTS)) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(index), Serdes.String(),
                    Serdes.String()).withLoggingDisabled());
        }
    }

    /**
     * Propagation tracking, in the subject's task: the entries the decisions (and backfills) open come straight from
     * apply-signal, and the connectors' acknowledgements are keyed by subject id on a topic with the signal topics'
     * partition count, so each reaches the task that stored its signal's entry in the transaction that wrote the
     * command. An acknowledgement cannot overtake its command, and nothing is re-keyed.
     */
    private static void track(StreamsBuilder builder, Settings settings, KStream<String, Outbound> decided,
            ConsentTopics io) {
        KStream<String, Outbound> opened = decided.filter((key, value) -> value instanceof Outbound.Opened,
                Named.as("opened-propagation"));
        KStream<String, Outbound> acks = builder
                .stream(io.commandAcks().name(), io.commandAcks().consumed("acks-source"))
                .mapValues(ack -> (Outbound) new Outbound.AckReceived(ack), Named.as("ack-received"));
        KStream<String, Outbound> tracked = opened.merge(acks, Named.as("merge-tracking"))
                .process(() -> new TrackPropagationProcessor(settings.slaCheckInterval(), settings.receiptRetention(),
                        SLA_CHECK_BATCH, settings.metrics(), settings.pacer()), Named.as("track-propagation"),
                        StoreNames.SIGNAL_PROPAGATION, StoreNames.PROPAGATION_ANSWERS,
                        StoreNames.PROPAGATION_DEADLINES, StoreNames.PROPAGATION_RETENTION,
                        StoreNames.SIGNAL_SUBJECTS);

        tracked.split(Named.as("tracked-"))
                .branch((key, value) -> value instanceof Outbound.Receipt, Branched.withConsumer(ks -> ks
                        .mapValues(value -> ((Outbound.Receipt) value).receipt(), Named.as("tracked-receipt-value"))
                        .to(io.receipts().name(), io.receipts().produced("tracked-receipt-sink")),
                        "receipt"))
                .branch((key, value) -> value instanceof Outbound.Breach, Branched.withConsumer(ks -> ks
                        .mapValues(value -> ((Outbound.Breach) value).breach(), Named.as("tracked-breach-value"))
                        .to(io.breaches().name(), io.breaches().produced("tracked-breach-sink")),
                        "breach"))
                .branch((key, value) -> value instanceof Outbound.Audit, Branched.withConsumer(ks -> ks
                        .map((key, value) -> KeyValue.pair(auditKey(key, ((Outbound.Audit) value).event()),
                                ((Outbound.Audit) value).event()), Named.as("tracked-audit-value"))
                        .to(io.audit().name(), io.audit().produced("tracked-audit-sink")
                                .withStreamPartitioner(SubjectAuditKeys.PARTITIONER)),
                        "audit"))
                .noDefaultBranch();
    }

    /**
     * The key of an audit record, {@code subjectId|recordedAt|eventId} ({@link SubjectAuditKeys}): the per-subject
     * store is the audit topic itself, so its records carry the store's keys.
     */
    private static String auditKey(String key, AuditEvent event) {
        String subjectId = event.getSubjectId() != null ? event.getSubjectId() : key == null ? "" : key;
        return SubjectAuditKeys.key(subjectId, event.getRecordedAt(), event.getEventId().toString());
    }

    /**
     * The per-subject audit store, read from the audit topic, which serves as its changelog: the topic holds every
     * entry of the store under the store's own key, so a second changelog would hold the same records again. Restore
     * reads the audit partitions into it; it is a task of its own, so the consent path never waits for it. Its values
     * are the topic's bytes, decoded by readers ({@link SubjectAuditTrail}).
     */
    private static void addSubjectAudit(Topology topology, ConsentTopics io, QueryStores queryStores) {
        Deserializer<AuditEvent> decoder = io.audit().valueSerde().deserializer();
        topology.addReadOnlyStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.SUBJECT_AUDIT), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled(), "audit-source", Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(), io.audit().name(), "record-subject-audit",
                () -> new RecordSubjectAuditProcessor(queryStores.auditRetention(), AUDIT_SWEEP_INTERVAL,
                        AUDIT_SWEEP_BATCH, decoder, io.audit().name()));
    }

    /** The vendor backfill, which shares the apply-signal task to walk its consent table. */
    private static KStream<String, Outbound> addBackfill(StreamsBuilder builder, Settings settings,
            QueryStores queryStores, PolicyEngine engine, KStream<String, Outbound> applied, ConsentTopics io) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.VENDOR_BACKFILL), Serdes.String(), Serdes.String()));
        KStream<String, Outbound> backfill = applied.process(() -> new BackfillVendorsProcessor(engine,
                settings.vendors(), queryStores.backfillInterval(), queryStores.backfillBatch()),
                Named.as("backfill-vendors"), StoreNames.CONSENT_TABLE, StoreNames.VENDOR_BACKFILL);
        route(backfill, "backfill", io);
        return backfill;
    }

    /**
     * Serializes each output as it will be written and compares it with its topic's limit; an accepted output
     * carries its bytes to the sink, which writes them without serializing again.
     */
    private static OutputCheck outputCheck(Settings settings, ConsentTopics io) {
        TopicNames topics = settings.topics();
        OutputLimits limits = settings.outputLimits();
        Serializer<SubjectConsentState> states = io.subjectState().valueSerde().serializer();
        Serializer<PropagationCommand> commands = io.commandSerde().serializer();
        Serializer<AuditEvent> audits = io.audit().valueSerde().serializer();
        return (key, out) -> {
            String topic;
            byte[] value;
            Outbound encoded;
            if (out instanceof Outbound.StateChange state) {
                topic = topics.subjectState();
                value = states.serialize(topic, state.state());
                encoded = new Outbound.StateChange(state.state(), value);
            } else if (out instanceof Outbound.CommandIssued command) {
                topic = topics.commandsTopic(command.command().getVendorId());
                value = commands.serialize(topic, command.command());
                encoded = new Outbound.CommandIssued(command.command(), value);
            } else if (out instanceof Outbound.Audit audit) {
                topic = topics.audit();
                value = audits.serialize(topic, audit.event());
                encoded = new Outbound.Audit(audit.event(), value);
            } else {
                return OutputCheck.Checked.accepted(out);
            }
            int keyBytes = key == null ? 0 : key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (limits.fits(topic, keyBytes, value.length)) {
                return OutputCheck.Checked.accepted(encoded);
            }
            return OutputCheck.Checked.refused("Output to " + topic + " refused: a record of "
                    + (keyBytes + value.length) + " bytes exceeds the topic's max.message.bytes of "
                    + limits.maxBytes(topic));
        };
    }

    /**
     * A sink serde writing the bytes the output check already made, or serializing the record now. Serializing in
     * the sink keeps a failure there, where the production exception handler dead-letters the source record.
     */
    private static <O extends Outbound.Encodable, T> Serde<O> encodedSerde(Function<O, T> record,
            Serializer<T> serializer) {
        return Serdes.serdeFrom((topic, out) -> {
            if (out == null) {
                return null;
            }
            byte[] bytes = out.encoded();
            return bytes != null ? bytes : serializer.serialize(topic, record.apply(out));
        }, (topic, data) -> {
            throw new UnsupportedOperationException("output records are only written");
        });
    }

    /** Sends each kind of output to its topic. */
    private static void route(KStream<String, Outbound> out, String prefix, ConsentTopics io) {
        TopicNames topics = io.names();
        Serde<Outbound.StateChange> states = encodedSerde(Outbound.StateChange::state,
                io.subjectState().valueSerde().serializer());
        Serde<Outbound.CommandIssued> commands = encodedSerde(Outbound.CommandIssued::command,
                io.commandSerde().serializer());
        Serde<Outbound.Audit> audits = encodedSerde(Outbound.Audit::event, io.audit().valueSerde().serializer());
        out.split(Named.as(prefix + "-"))
                .branch((key, value) -> value instanceof Outbound.StateChange, Branched.withConsumer(ks -> ks
                        .mapValues(value -> (Outbound.StateChange) value, Named.as(prefix + "-state-value"))
                        .to(topics.subjectState(), Produced.with(Serdes.String(), states)
                                .withName(prefix + "-state-sink")),
                        "state"))
                .branch((key, value) -> value instanceof Outbound.CommandIssued, Branched.withConsumer(ks -> ks
                        .mapValues(value -> (Outbound.CommandIssued) value, Named.as(prefix + "-command-value"))
                        .to((key, issued, context) -> topics.commandsTopic(issued.command().getVendorId()),
                                Produced.with(Serdes.String(), commands).withName(prefix + "-command-sink")),
                        "command"))
                .branch((key, value) -> value instanceof Outbound.Audit, Branched.withConsumer(ks -> ks
                        .map((key, value) -> KeyValue.pair(auditKey(key, ((Outbound.Audit) value).event()),
                                (Outbound.Audit) value), Named.as(prefix + "-audit-value"))
                        .to(topics.audit(), Produced.with(Serdes.String(), audits)
                                .withStreamPartitioner(SubjectAuditKeys.PARTITIONER)
                                .withName(prefix + "-audit-sink")),
                        "audit"))
                .branch((key, value) -> value instanceof Outbound.DeadLetter, Branched.withConsumer(ks -> ks
                        .map((key, value) -> KeyValue.pair(((Outbound.DeadLetter) value).key(),
                                ((Outbound.DeadLetter) value).value()), Named.as(prefix + "-dead-letter-value"))
                        .to(topics.deadLetters(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                                .withName(prefix + "-dead-letter-sink")),
                        "dead-letter"))
                .noDefaultBranch();
    }
}
