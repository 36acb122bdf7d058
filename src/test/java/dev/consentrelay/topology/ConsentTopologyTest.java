package dev.consentrelay.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.IdentifierHasher;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.PurposeStatus;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.ConsentStatus;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationAnswers;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.schema.VendorRecord;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;
import dev.consentrelay.testing.TopologyFixture;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole consent topology through the real Avro serdes, with the in-memory registry and no broker. */
class ConsentTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-20T09:00:00Z");
    private static final TopicNames TOPICS = TopicNames.defaults();
    private static final int STATE_TOPIC_MAX_BYTES = 8 * 1024;
    private static final SubjectIdentifier EMAIL = new SubjectIdentifier("email_sha256",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    private static final SubjectIdentifier DEVICE = new SubjectIdentifier("device_id", "device-7");

    private InMemorySchemaRegistryClient registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ConsentSignal> signals;
    private TestInputTopic<String, ConsentSignal> gpc;
    private TestInputTopic<String, byte[]> rawSignals;
    private TestInputTopic<String, VendorRecord> vendors;
    private TestOutputTopic<String, SubjectConsentState> subjectState;
    private TestOutputTopic<String, AuditEvent> audit;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private ConsentTopics io;
    private TestInputTopic<String, CommandAck> acks;
    private TestOutputTopic<String, PropagationReceipt> receipts;
    private TestOutputTopic<String, SlaBreach> breaches;

    @BeforeEach
    void start() {
        registry = new InMemorySchemaRegistryClient("topology-test-" + UUID.randomUUID());
        driver = TopologyFixture.driver(ConsentTopology.builder(TOPICS, Policy.defaults(), registry)
                .dedupWindow(Duration.ofDays(1)).expiryInterval(Duration.ofMinutes(1))
                .outputLimits(new OutputLimits(Map.of(TOPICS.subjectState(), STATE_TOPIC_MAX_BYTES),
                        OutputLimits.KAFKA_DEFAULT))
                .build(), "consent-relay-test", NOW);

        io = ConsentTopics.of(TOPICS, registry);
        signals = TopologyFixture.input(driver, io.signals());
        gpc = driver.createInputTopic(TOPICS.gpcSignals(), Serdes.String().serializer(),
                io.signals().valueSerde().serializer());
        rawSignals = driver.createInputTopic(TOPICS.signals(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        vendors = TopologyFixture.input(driver, io.vendors());
        subjectState = TopologyFixture.output(driver, io.subjectState());
        audit = TopologyFixture.output(driver, io.audit());
        deadLetters = driver.createOutputTopic(TOPICS.deadLetters(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
        acks = TopologyFixture.input(driver, io.commandAcks());
        receipts = TopologyFixture.output(driver, io.receipts());
        breaches = TopologyFixture.output(driver, io.breaches());

        vendor("adnet", Set.of("advertising", "sale_sharing"), Set.of(), EnumSet.allOf(Command.Action.class));
        vendor("mailer", Set.of("email_marketing"), Set.of(), EnumSet.of(Command.Action.SUPPRESS,
                Command.Action.DELETE));
        vendor("metrics", Set.of("analytics"), Set.of("EU", "UK"), EnumSet.of(Command.Action.SUPPRESS,
                Command.Action.DELETE));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void optOutSendsOneSuppressToEachVendorOfThePurposeAndNoneToOthers() {
        send(signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising"));

        List<PropagationCommand> adnet = commands("adnet");
        assertThat(adnet).singleElement().satisfies(c -> {
            assertThat(c.getAction()).isEqualTo(CommandAction.SUPPRESS);
            assertThat(c.getPurposes()).containsExactly("advertising");
            assertThat(c.getSubjectId()).isEqualTo("user-1");
            assertThat(c.getDeadline()).isAfter(c.getSignalReceivedAt());
        });
        assertThat(commands("mailer")).isEmpty();
        assertThat(commands("metrics")).isEmpty();
        assertThat(subjectState.readKeyValuesToMap().get("user-1").getPurposes().get("advertising").getStatus())
                .isEqualTo(ConsentStatus.DENIED);
    }

    @Test
    void gpcInCaliforniaSuppressesSaleSharingAndAdvertisingVendors() {
        gpc.pipeInput("user-2", AvroMapper.toAvro(new Signal(UUID.randomUUID().toString(), "user-2",
                List.of(DEVICE), Signal.Kind.GPC, Set.of(), "US-CA", Signal.Source.BROWSER_GPC, "header:Sec-GPC",
                "2026-11-01", NOW.minusSeconds(1), null, false)));

        assertThat(commands("adnet")).singleElement().satisfies(c -> {
            assertThat(c.getAction()).isEqualTo(CommandAction.SUPPRESS);
            assertThat(c.getPurposes()).containsExactlyInAnyOrder("advertising", "sale_sharing");
        });
        assertThat(commands("mailer")).isEmpty();
    }

    @Test
    void olderOptInArrivingAfterOptOutChangesNothing() {
        send(signal(Signal.Kind.OPT_OUT, "user-3", "US-CA", NOW.minusSeconds(10), "advertising"));
        commands("adnet");
        subjectState.readValuesToList();

        send(signal(Signal.Kind.OPT_IN, "user-3", "US-CA", NOW.minusSeconds(60), "advertising"));

        assertThat(commands("adnet")).isEmpty();
        assertThat(subjectState.readValuesToList()).allSatisfy(row -> assertThat(
                row.getPurposes().get("advertising").getStatus())
                .isEqualTo(ConsentStatus.DENIED));
        assertThat(decisions()).extracting(AuditEvent::getOutcome).containsExactly(DecisionOutcome.APPLIED,
                DecisionOutcome.SUPERSEDED);
        assertThat(row("user-3").getPurposes().get("advertising").getStatus())
                .isEqualTo(ConsentStatus.DENIED);
    }

    @Test
    void duplicateSignalProducesNothing() {
        ConsentSignal optOut = signal(Signal.Kind.OPT_OUT, "user-4", "US-CA", NOW.minusSeconds(5), "advertising");
        send(optOut);
        assertThat(commands("adnet")).hasSize(1);
        subjectState.readValuesToList();

        send(optOut);

        assertThat(commands("adnet")).isEmpty();
        assertThat(subjectState.isEmpty()).isTrue();
    }

    @Test
    void expiredGrantProducesSuppression() {
        send(signal(Signal.Kind.OPT_IN, "user-5", "EU", NOW.minusSeconds(5), "analytics"));
        assertThat(commands("metrics")).as("granting in EU allows analytics: nothing to suppress").isEmpty();

        // 13 months later the expiry punctuator finds the grant through the index.
        driver.advanceWallClockTime(Duration.ofDays(13 * 31));

        assertThat(commands("metrics")).singleElement().satisfies(c -> {
            assertThat(c.getAction()).isEqualTo(CommandAction.SUPPRESS);
            assertThat(c.getPurposes()).containsExactly("analytics");
        });
        assertThat(audit.readValuesToList()).extracting(AuditEvent::getType).contains(AuditEventType.GRANT_EXPIRED);
    }

    @Test
    void erasureDeletesAtEveryVendorConcernedAndKeepsASuppressionRecord() {
        send(signal(Signal.Kind.OPT_IN, "user-6", "US-CA", NOW.minusSeconds(30), "email_marketing"));
        drainCommands();

        send(signal(Signal.Kind.ERASURE, "user-6", "US-CA", NOW.minusSeconds(5)));

        assertThat(commands("adnet")).extracting(PropagationCommand::getAction)
                .contains(CommandAction.DELETE);
        assertThat(commands("mailer")).extracting(PropagationCommand::getAction)
                .contains(CommandAction.DELETE);
        assertThat(commands("metrics")).as("metrics serves EU and UK only").isEmpty();
        SubjectConsentState row = row("user-6");
        assertThat(row.getErasedAt()).isNotNull();
        assertThat(row.getPurposes().values()).allSatisfy(p -> assertThat(p.getStatus())
                .isEqualTo(ConsentStatus.DENIED));
    }

    @Test
    void erasureLeavesNoRawIdentifierInTheRowOrTheTrailWhileItsDeletesCarryThem() {
        send(signal(Signal.Kind.OPT_IN, "user-16", "US-CA", NOW.minusSeconds(30), "email_marketing"));
        send(signal(Signal.Kind.ERASURE, "user-16", "US-CA", NOW.minusSeconds(5)));

        assertThat(commands("adnet")).filteredOn(c -> c.getAction() == CommandAction.DELETE)
                .singleElement().satisfies(delete -> assertThat(delete.getIdentifiers())
                        .extracting(id -> id.getValue().toString()).contains(EMAIL.value(), DEVICE.value()));
        SubjectConsentState row = row("user-16");
        assertThat(row.getIdentifiers()).extracting(id -> id.getType().toString())
                .containsExactlyInAnyOrder(EMAIL.type(), DEVICE.type());
        assertThat(row.getIdentifiers()).extracting(id -> id.getValue().toString())
                .allSatisfy(value -> assertThat(value).startsWith(IdentifierHasher.PREFIX));
        List<AuditEvent> trail = audit.readValuesToList();
        assertThat(trail).filteredOn(e -> e.getType() == AuditEventType.DECISION).hasSize(2)
                .allSatisfy(decision -> assertThat(decision.getSignal().getIdentifiers())
                        .extracting(id -> id.getValue().toString())
                        .allSatisfy(value -> assertThat(value).startsWith(IdentifierHasher.PREFIX)));
        assertThat(trail).extracting(Object::toString).noneMatch(text -> text.contains(EMAIL.value())
                || text.contains(DEVICE.value()));
        assertThat(trail).filteredOn(e -> e.getType() == AuditEventType.DECISION).last()
                .satisfies(erasure -> assertThat(erasure.getCommands()).extracting(c -> c.getVendorId().toString())
                        .contains("adnet", "mailer"));
    }

    @Test
    void badInputGoesToTheDeadLetterTopicAndTheNextGoodRecordIsProcessed() {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        rawSignals.pipeInput("user-7", garbage);
        send(signal(Signal.Kind.OPT_IN, "user-7", "US-CA", NOW.minusSeconds(5), "no_such_purpose"));
        ConsentSignal preChecked = signal(Signal.Kind.OPT_IN, "user-7", "EU", NOW.minusSeconds(5), "analytics");
        preChecked.setMethod("pre_checked_box");
        send(preChecked);
        send(signal(Signal.Kind.OPT_OUT, "user-7", "US-CA", NOW.minusSeconds(5), "advertising"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(3);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON)).contains("magic byte");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(TOPICS.signals());
        assertThat(DeadLetters.header(dead.get(1).headers(), DeadLetters.REASON)).contains("no_such_purpose");
        assertThat(DeadLetters.header(dead.get(2).headers(), DeadLetters.REASON)).contains("pre_checked_box");
        assertThat(commands("adnet")).hasSize(1);
    }

    @Test
    void signalWhoseStateRowExceedsTheTopicLimitIsDeadLetteredAndChangesNothing() {
        // Within every input bound (32 identifiers of 256 characters), but more than the topic takes.
        List<SubjectIdentifier> many = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            many.add(new SubjectIdentifier("crm_id", ("crm-" + i + "-").repeat(64).substring(0, 256)));
        }
        ConsentSignal huge = AvroMapper.toAvro(new Signal(
                UUID.randomUUID().toString(), "user-10", many, Signal.Kind.OPT_OUT, Set.of("advertising"), "US-CA",
                Signal.Source.PREFERENCE_CENTER, "toggle", "2026-11-01", NOW.minusSeconds(9), null, false));
        send(huge);
        send(signal(Signal.Kind.OPT_OUT, "user-11", "US-CA", NOW.minusSeconds(5), "advertising"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).singleElement().satisfies(letter -> assertThat(
                DeadLetters.header(letter.headers(), DeadLetters.REASON))
                .contains("Output to " + TOPICS.subjectState() + " refused")
                .contains(String.valueOf(STATE_TOPIC_MAX_BYTES)));
        assertThat(subjectState.readKeyValuesToMap()).as("the oversized row is not published, the next one is")
                .doesNotContainKey("user-10").containsKey("user-11");
        assertThat(commands("adnet")).as("nothing is fanned out for a refused signal")
                .extracting(c -> c.getSubjectId()).containsExactly("user-11");
        assertThat(decisions()).filteredOn(a -> "user-10".equals(a.getSubjectId())).singleElement()
                .satisfies(a -> assertThat(a.getOutcome())
                        .isEqualTo(DecisionOutcome.REJECTED));
    }

    @Test
    void vendorChangeAppliesFromTheNextSignal() {
        send(signal(Signal.Kind.OPT_OUT, "user-8", "US-CA", NOW.minusSeconds(50), "email_marketing"));
        assertThat(commands("mailer")).hasSize(1);

        vendor("mailer", Set.of("email_marketing"), Set.of(), EnumSet.of(Command.Action.SUPPRESS), false);
        send(signal(Signal.Kind.OPT_OUT, "user-9", "US-CA", NOW.minusSeconds(5), "email_marketing"));

        assertThat(commands("mailer")).as("disabled vendors get nothing").isEmpty();
    }

    @Test
    void ackOfTheOnlyCommandPublishesReceiptWithTheVendorsLatency() {
        ConsentSignal optOut = signal(Signal.Kind.OPT_OUT, "user-10", "US-CA", NOW.minusSeconds(5), "advertising");
        send(optOut);
        PropagationCommand command = commands("adnet").get(0);

        acks.pipeInput(command.getSubjectId(), ack(command, NOW.plusMillis(1_500)), NOW.plusMillis(1_600));

        TestRecord<String, PropagationReceipt> receipt = receipts.readRecord();
        assertThat(receipt.key()).as("keyed by subject, like everything about it").isEqualTo("user-10");
        assertThat(receipt.value().getAllHonoured()).isTrue();
        assertThat(receipt.value().getVendors()).singleElement().satisfies(v -> {
            assertThat(v.getVendorId()).isEqualTo("adnet");
            assertThat(v.getCommandId()).isEqualTo(command.getCommandId());
            assertThat(v.getStatus()).isEqualTo(AckStatus.APPLIED);
            assertThat(v.getLatencyMillis()).isEqualTo(1_500);
            assertThat(v.getMetDeadline()).isTrue();
        });
        assertThat(receipts.isEmpty()).isTrue();
        assertThat(audit.readValuesToList()).filteredOn(e -> e.getType() == AuditEventType.PROPAGATION_COMPLETED)
                .singleElement().satisfies(completed -> assertThat(completed.getAcks()).singleElement()
                        .satisfies(a -> {
                            assertThat(a.getCommandId()).isEqualTo(command.getCommandId());
                            assertThat(a.getStatus()).isEqualTo(AckStatus.APPLIED);
                        }));
        KeyValueStore<String, SignalPropagation> tracked = driver.getKeyValueStore(StoreNames.SIGNAL_PROPAGATION);
        KeyValueStore<String, PropagationAnswers> answered = driver.getKeyValueStore(StoreNames.PROPAGATION_ANSWERS);
        String key = "user-10|" + command.getSignalId();
        assertThat(tracked.get(key).getCommands()).as("the entry as decided").singleElement()
                .satisfies(c -> assertThat(c.getStatus()).isNull());
        assertThat(PropagationLedger.read(tracked, answered, key).getCommands()).singleElement()
                .satisfies(c -> assertThat(c.getStatus()).isEqualTo(AckStatus.APPLIED));
    }

    @Test
    void trackingEntryKeepsTheDecisionWithoutWhatItListsItselfOrNeverShows() {
        ConsentSignal optOut = signal(Signal.Kind.OPT_OUT, "user-14", "US-CA", NOW.minusSeconds(5), "advertising");
        send(optOut);
        PropagationCommand command = commands("adnet").get(0);
        AuditEvent published = audit.readValuesToList().stream()
                .filter(e -> e.getType() == AuditEventType.DECISION).findFirst().orElseThrow();

        SignalPropagation entry = driver.<String, SignalPropagation>getKeyValueStore(StoreNames.SIGNAL_PROPAGATION)
                .get("user-14|" + optOut.getSignalId());

        assertThat(published.getCommands()).as("the published decision lists its command").hasSize(1);
        assertThat(published.getSignal().getIdentifiers()).isNotEmpty();
        assertThat(entry.getCommands()).extracting(PendingCommand::getCommandId)
                .containsExactly(command.getCommandId());
        assertThat(entry.getDecision().getCommands()).as("listed once, in the entry's commands").isEmpty();
        assertThat(entry.getDecision().getSignal().getIdentifiers()).isEmpty();
        assertThat(entry.getDecision().getEventId()).isEqualTo(published.getEventId());
        assertThat(entry.getDecision().getChanges()).isEqualTo(published.getChanges());
        assertThat(entry.getDecision().getSignal().getPurposes()).containsExactly("advertising");
    }

    @Test
    void signalKeyedByAnythingButItsSubjectIsDecidedInTheSubjectsTaskAndItsAckMatched() {
        ConsentSignal optIn = signal(Signal.Kind.OPT_IN, "user-13", "US-CA", NOW.minusSeconds(10), "advertising");
        ConsentSignal optOut = signal(Signal.Kind.OPT_OUT, "user-13", "US-CA", NOW.minusSeconds(5), "advertising");
        signals.pipeInput("device-42", optIn, NOW);
        signals.pipeInput(null, optOut, NOW);

        assertThat(row("user-13"))
                .as("one row, re-keyed by subject").isNotNull()
                .satisfies(row -> assertThat(AvroMapper.toDomain(row).purposes().get("advertising").status())
                        .isEqualTo(PurposeStatus.DENIED));
        PropagationCommand command = commands("adnet").stream()
                .filter(c -> c.getSignalId().equals(optOut.getSignalId())).findFirst().orElseThrow();
        assertThat(command.getAction()).isEqualTo(CommandAction.SUPPRESS);

        acks.pipeInput("user-13", ack(command, NOW.plusMillis(1_500)), NOW.plusMillis(1_600));

        assertThat(receipts.readValuesToList()).singleElement()
                .satisfies(receipt -> assertThat(receipt.getSignalId()).isEqualTo(optOut.getSignalId()));
    }

    @Test
    void commandUnansweredPastItsSlaBreachesOnce() {
        send(signal(Signal.Kind.OPT_OUT, "user-11", "US-CA", NOW.minusSeconds(5), "advertising"));
        PropagationCommand command = commands("adnet").get(0);

        driver.advanceWallClockTime(Duration.ofMinutes(9));
        assertThat(breaches.isEmpty()).as("the vendor SLA is 10 minutes").isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        driver.advanceWallClockTime(Duration.ofMinutes(1));

        assertThat(breaches.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo(command.getSubjectId());
            assertThat(kv.value.getCommandId()).isEqualTo(command.getCommandId());
            assertThat(kv.value.getVendorId()).isEqualTo("adnet");
        });
        assertThat(audit.readValuesToList()).extracting(AuditEvent::getType).containsOnlyOnce(
                AuditEventType.SLA_BREACH);
        assertThat(receipts.isEmpty()).isTrue();
    }

    @Test
    void ackForNoKnownCommandIsAuditedAsUnmatched() {
        PropagationCommand stranger = AvroMapper.toAvro(new Command(
                UUID.randomUUID().toString(), UUID.randomUUID().toString(), "user-12", "adnet",
                Command.Action.SUPPRESS, Set.of("advertising"), List.of(), "opt_out", "US-CA", "2026-11-01", NOW, NOW,
                NOW.plusSeconds(600)));

        acks.pipeInput("user-12", ack(stranger, NOW), NOW);

        assertThat(audit.readValuesToList()).as("at once: its command would have been tracked before it")
                .singleElement().satisfies(event -> {
                    assertThat(event.getType()).isEqualTo(AuditEventType.ACK_UNMATCHED);
                    assertThat(event.getCommandId()).isEqualTo(stranger.getCommandId());
                });
        assertThat(receipts.isEmpty()).isTrue();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** The subject's state in the consent table, {@code null} when it has none. */
    private SubjectConsentState row(String subjectId) {
        ConsentRow row = driver.<String, ConsentRow>getKeyValueStore(StoreNames.CONSENT_TABLE).get(subjectId);
        return row == null ? null : row.getState();
    }

    private void vendor(String id, Set<String> purposes, Set<String> regions, Set<Command.Action> actions) {
        vendor(id, purposes, regions, actions, true);
    }

    private void vendor(String id, Set<String> purposes, Set<String> regions, Set<Command.Action> actions,
            boolean enabled) {
        vendors.pipeInput(id, AvroMapper.toAvro(new Vendor(id, id, Vendor.Kind.VENDOR, null, purposes, regions,
                actions, Set.of(), Duration.ofMinutes(10), enabled)));
    }

    private static ConsentSignal signal(Signal.Kind kind, String subject, String region,
            Instant occurredAt, String... purposes) {
        return AvroMapper.toAvro(new Signal(UUID.randomUUID().toString(), subject, List.of(EMAIL, DEVICE),
                kind, Set.of(purposes), region, Signal.Source.PREFERENCE_CENTER, "toggle", "2026-11-01", occurredAt,
                null, false));
    }

    private static CommandAck ack(PropagationCommand command, Instant appliedAt) {
        return CommandAck.newBuilder()
                .setCommandId(command.getCommandId())
                .setVendorId(command.getVendorId())
                .setStatus(AckStatus.APPLIED)
                .setAppliedAt(appliedAt)
                .setAttempts(1)
                .setSignalId(command.getSignalId())
                .build();
    }

    private void send(ConsentSignal signal) {
        signals.pipeInput(signal.getSubjectId(), signal, NOW);
    }

    private List<PropagationCommand> commands(String vendorId) {
        return TopologyFixture.output(driver, io.commands(vendorId)).readValuesToList();
    }

    private void drainCommands() {
        for (String vendor : List.of("adnet", "mailer", "metrics")) {
            commands(vendor);
        }
    }

    private List<AuditEvent> decisions() {
        List<AuditEvent> decisions = new ArrayList<>();
        for (AuditEvent event : audit.readValuesToList()) {
            if (event.getType() == AuditEventType.DECISION) {
                decisions.add(event);
            }
        }
        return decisions;
    }

}
