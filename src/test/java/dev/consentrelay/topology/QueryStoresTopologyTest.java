package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.BackfillPlanner;
import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.CommandIds;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.SignalKind;
import dev.consentrelay.schema.VendorRecord;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;
import dev.consentrelay.serde.SampleRecords;
import dev.consentrelay.testing.TopologyFixture;

import static dev.consentrelay.topology.TestSignals.NOW;
import static dev.consentrelay.topology.TestSignals.signal;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** The per-subject audit store and the vendor backfill, through the whole topology and the real serdes. */
class QueryStoresTopologyTest {

    private static final TopicNames TOPICS = TopicNames.defaults();

    private TopologyTestDriver driver;
    private TestInputTopic<String, ConsentSignal> signals;
    private TestInputTopic<String, VendorRecord> vendors;
    private InMemorySchemaRegistryClient registry;
    private ConsentTopics io;

    @BeforeEach
    void start() {
        registry = new InMemorySchemaRegistryClient("query-stores-" + UUID.randomUUID());
        driver = TopologyFixture.driver(ConsentTopology.builder(TOPICS, Policy.defaults(), registry)
                .dedupWindow(Duration.ofDays(1)).expiryInterval(Duration.ofMinutes(1))
                .queryStores(new QueryStores(null, Duration.ofSeconds(1), 2)).build(), "consent-relay-query-test", NOW);
        io = ConsentTopics.of(TOPICS, registry);
        signals = TopologyFixture.input(driver, io.signals());
        vendors = TopologyFixture.input(driver, io.vendors());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldKeepEverySubjectsAuditTrailInRecordingOrderUnderItsPrefix() {
        publish(TestSignals.vendor("adnet", "advertising"));
        signals.pipeInput("user-1", signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising"));
        signals.pipeInput("user-10", signal(Signal.Kind.OPT_OUT, "user-10", "US-CA", NOW.minusSeconds(5),
                "analytics"));
        signals.pipeInput("user-1", signal(Signal.Kind.OPT_IN, "user-1", "US-CA", NOW.minusSeconds(1), "advertising"));

        List<KeyValue<String, AuditEvent>> trail = trail("user-1");

        // adnet does not support RESUME: the opt-in is decided, and no command follows it. Events recorded in the
        // same millisecond (the driver's wall clock stands still here) are ordered by event id.
        assertThat(trail).extracting(kv -> kv.value.getType()).containsExactlyInAnyOrder(AuditEventType.DECISION,
                AuditEventType.DECISION);
        assertThat(trail).extracting(kv -> kv.value.getCommands().size()).as("the opt-out's decision lists its command")
                .containsExactlyInAnyOrder(1, 0);
        assertThat(trail).filteredOn(kv -> kv.value.getType() == AuditEventType.DECISION)
                .extracting(kv -> kv.value.getSignal().getKind())
                .containsExactlyInAnyOrder(SignalKind.OPT_OUT, SignalKind.OPT_IN);
        assertThat(trail).allSatisfy(kv -> {
            assertThat(kv.value.getSubjectId()).isEqualTo("user-1");
            assertThat(kv.key).startsWith("user-1|").endsWith("|" + kv.value.getEventId());
            assertThat(SubjectAuditKeys.recordedAt(kv.key)).isEqualTo(kv.value.getRecordedAt());
        });
        assertThat(trail("user-10")).extracting(kv -> kv.value.getType()).containsExactly(AuditEventType.DECISION);
    }

    @Test
    void shouldKeyAuditRecordsAsTheStoreDoesSoTheTopicIsTheStoresOnlyChangelog() {
        publish(TestSignals.vendor("adnet", "advertising"));
        signals.pipeInput("user-1", signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising"));
        TestOutputTopic<String, AuditEvent> audit = TopologyFixture.output(driver, io.audit());

        List<KeyValue<String, AuditEvent>> written = audit.readKeyValuesToList();

        assertThat(written).isNotEmpty().allSatisfy(kv -> assertThat(kv.key)
                .isEqualTo(SubjectAuditKeys.key("user-1", kv.value.getRecordedAt(), kv.value.getEventId().toString())));
        assertThat(trail("user-1")).extracting(kv -> kv.key)
                .containsExactlyInAnyOrderElementsOf(written.stream().map(kv -> kv.key).toList());
        assertThat(driver.producedTopicNames()).as("no second copy of the audit trail")
                .noneMatch(topic -> topic.contains(StoreNames.SUBJECT_AUDIT));
    }

    @Test
    void shouldStoreTheAuditTopicsBytesAsTheyCameSoARestoreWritesTheSameEntries() {
        publish(TestSignals.vendor("adnet", "advertising"));
        signals.pipeInput("user-1", signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising"));
        TestOutputTopic<String, byte[]> audit = driver.createOutputTopic(TOPICS.audit(), new StringDeserializer(),
                new ByteArrayDeserializer());

        List<KeyValue<String, byte[]>> written = audit.readKeyValuesToList();
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(StoreNames.SUBJECT_AUDIT);

        assertThat(written).isNotEmpty().allSatisfy(kv -> assertThat(store.get(kv.key)).isEqualTo(kv.value));
    }

    @Test
    void shouldDecodeARecordAnEarlierReleaseKeyedBySubjectAloneAndStoreItUnderTheFullKey() {
        AuditEvent event = SampleRecords.audit();
        TestInputTopic<String, AuditEvent> audit = TopologyFixture.input(driver, io.audit());

        audit.pipeInput("subj-1", event);

        assertThat(trail("subj-1")).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo(SubjectAuditKeys.key("subj-1", event.getRecordedAt(),
                    event.getEventId().toString()));
            assertThat(kv.value).isEqualTo(event);
        });
    }

    @Test
    void shouldLeaveOutAnAuditRecordThatIsNotAnEventAndKeepStoringTheNextOnes() {
        AuditEvent event = SampleRecords.audit();
        String key = SubjectAuditKeys.key("subj-1", event.getRecordedAt(), event.getEventId().toString());
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(TOPICS.audit(), new StringSerializer(),
                new ByteArraySerializer());
        TestInputTopic<String, AuditEvent> audit = TopologyFixture.input(driver, io.audit());

        raw.pipeInput("subj-1|" + key.substring(key.indexOf('|') + 1) + "-x", "not avro".getBytes(UTF_8));
        raw.pipeInput("subj-2", new byte[]{0, 0, 0, 0, 42, 1, 2});
        audit.pipeInput(key, event);

        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(StoreNames.SUBJECT_AUDIT);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        assertThat(keys).as("only the event is stored").containsExactly(key);
        assertThat(trail("subj-1")).extracting(kv -> kv.value).containsExactly(event);
    }

    @Test
    void shouldReadATrailLeavingOutOtherSubjectsEntriesAndEntriesThatDoNotDecode() {
        AuditEvent event = SampleRecords.audit();
        AuditEvent other = AuditEvent.newBuilder(event).setEventId(UUID.randomUUID()).setSubjectId("subj-10")
                .build();
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(StoreNames.SUBJECT_AUDIT);
        Serializer<AuditEvent> encoder = io.audit().valueSerde().serializer();
        store.put(SubjectAuditKeys.key("subj-1", event.getRecordedAt(), "a"), encoder.serialize(TOPICS.audit(),
                event));
        store.put(SubjectAuditKeys.key("subj-1", event.getRecordedAt(), "b"), encoder.serialize(TOPICS.audit(),
                other));
        store.put(SubjectAuditKeys.key("subj-1", event.getRecordedAt(), "c"), new byte[]{0, 0, 0, 0});

        List<AuditEvent> trail = new SubjectAuditTrail(decoder(), TOPICS.audit()).read(store, "subj-1");

        assertThat(trail).containsExactly(event);
        assertThat(new SubjectAuditTrail(decoder(), TOPICS.audit()).read(store, "nobody")).isEmpty();
    }

    @Test
    void shouldSuppressANewVendorForDeniedSubjectsOnly() {
        signals.pipeInput("denied-1", signal(Signal.Kind.OPT_OUT, "denied-1", "US-CA", NOW.minusSeconds(9),
                "advertising"));
        signals.pipeInput("allowed", signal(Signal.Kind.OPT_OUT, "allowed", "US-CA", NOW.minusSeconds(9),
                "analytics"));
        signals.pipeInput("denied-2", signal(Signal.Kind.GPC, "denied-2", "US-VA", NOW.minusSeconds(9)));
        signals.pipeInput("eu-no-grant", signal(Signal.Kind.OPT_OUT, "eu-no-grant", "EU", NOW.minusSeconds(9),
                "email_marketing"));
        signals.pipeInput("us-only", signal(Signal.Kind.OPT_OUT, "us-only", "US-CA", NOW.minusSeconds(9),
                "advertising"));

        publish(new Vendor("adnet", "Ad Network", Vendor.Kind.VENDOR, null,
                Set.of("advertising"), Set.of("US-*", "EU"), EnumSet.allOf(Command.Action.class), Set.of("device_id"),
                Duration.ofMinutes(5), true));
        // Batches of two subjects per tick: five subjects take three ticks.
        for (int i = 0; i < 4; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }

        List<PropagationCommand> adnet = commands("adnet");
        assertThat(adnet).extracting(PropagationCommand::getSubjectId).containsExactlyInAnyOrder("denied-1",
                "denied-2", "eu-no-grant", "us-only");
        assertThat(adnet).allSatisfy(c -> {
            assertThat(c.getAction()).isEqualTo(CommandAction.SUPPRESS);
            assertThat(c.getPurposes()).containsExactly("advertising");
            assertThat(c.getIdentifiers()).extracting(i -> i.getType()).containsExactly("device_id");
            assertThat(c.getReason()).startsWith("BACKFILL of advertising");
        });
        assertThat(trail("denied-1")).extracting(kv -> kv.value.getType())
                .contains(AuditEventType.COMMAND_ISSUED);
        BackfillJob job = job("adnet");
        assertThat(job.done()).isTrue();
        assertThat(job.scanned()).isEqualTo(5);
        assertThat(job.issued()).isEqualTo(4);
    }

    @Test
    void shouldBackfillOnlyThePurposesAVendorGains() {
        publish(TestSignals.vendor("adnet", "advertising"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        signals.pipeInput("u", signal(Signal.Kind.OPT_OUT, "u", "US-CA", NOW.minusSeconds(9), "advertising",
                "sale_sharing"));
        assertThat(commands("adnet")).extracting(c -> c.getReason()).allMatch(r -> r.startsWith("OPT_OUT"));

        publish(TestSignals.vendor("adnet", "advertising", "sale_sharing"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(commands("adnet")).singleElement().satisfies(c -> {
            assertThat(c.getPurposes()).containsExactly("sale_sharing");
            assertThat(c.getReason()).startsWith("BACKFILL");
        });
    }

    @Test
    void shouldNotBackfillAVendorThatChangedWithoutGainingPurposes() {
        publish(TestSignals.vendor("adnet", "advertising", "sale_sharing"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        signals.pipeInput("u", signal(Signal.Kind.OPT_OUT, "u", "US-CA", NOW.minusSeconds(9), "advertising"));
        commands("adnet");

        publish(TestSignals.vendor("adnet", "advertising"));
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        assertThat(commands("adnet")).isEmpty();
    }

    @Test
    void shouldGiveTheSameCommandIdToTheSameBackfillOfTheSameSubject() {
        signals.pipeInput("u", signal(Signal.Kind.OPT_OUT, "u", "US-CA", NOW.minusSeconds(9), "advertising"));
        publish(TestSignals.vendor("adnet", "advertising"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        PropagationCommand command = commands("adnet").get(0);
        BackfillJob job = job("adnet");
        String signalId = BackfillPlanner.signalId(job.backfillId(), "u");
        assertThat(command.getSignalId().toString()).isEqualTo(signalId);
        assertThat(command.getCommandId().toString()).isEqualTo(CommandIds.of(signalId,
                "adnet", Command.Action.SUPPRESS));
    }

    private void publish(Vendor vendor) {
        vendors.pipeInput(vendor.vendorId(), AvroMapper.toAvro(vendor));
    }

    private List<PropagationCommand> commands(String vendorId) {
        TestOutputTopic<String, PropagationCommand> topic = TopologyFixture.output(driver, io.commands(vendorId));
        return topic.readValuesToList();
    }

    private List<KeyValue<String, AuditEvent>> trail(String subjectId) {
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(StoreNames.SUBJECT_AUDIT);
        List<KeyValue<String, AuditEvent>> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(SubjectAuditKeys.prefix(subjectId),
                new StringSerializer())) {
            it.forEachRemaining(kv -> out.add(KeyValue.pair(kv.key, decoder().deserialize(TOPICS.audit(),
                    kv.value))));
        }
        return out;
    }

    private Deserializer<AuditEvent> decoder() {
        return io.audit().valueSerde().deserializer();
    }

    private BackfillJob job(String vendorId) {
        KeyValueStore<String, String> store = driver.getKeyValueStore(StoreNames.VENDOR_BACKFILL);
        return BackfillJob.decode(store.get(BackfillJob.key(vendorId)));
    }

    static Instant at(int seconds) {
        return NOW.plusSeconds(seconds);
    }
}
