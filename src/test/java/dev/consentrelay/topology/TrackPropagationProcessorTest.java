package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AckRecords;
import dev.consentrelay.avro.AuditRecords;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationAnswers;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Propagation tracking alone, with in-memory stores and the SLA punctuator fired by hand; entries are opened as the
 * subject's decision opens them.
 */
class TrackPropagationProcessorTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-20T09:00:00Z");
    private static final Duration SLA = Duration.ofMinutes(10);
    private static final Duration RETENTION = Duration.ofDays(7);
    private static final String SUBJECT = "user-1";

    private final AtomicInteger entryWrites = new AtomicInteger();
    private final AtomicInteger answerWrites = new AtomicInteger();
    private UUID signalId = UUID.randomUUID();
    private MockProcessorContext<String, Outbound> context;
    private KeyValueStore<String, SignalPropagation> entries;
    private KeyValueStore<String, PropagationAnswers> answers;
    private KeyValueStore<String, String> deadlines;
    private KeyValueStore<String, String> retention;
    private KeyValueStore<String, String> subjects;
    private CountingMetrics metrics;
    private TrackPropagationProcessor processor;
    /** The index rebuild the processor last started scheduled. */
    private MockProcessorContext.CapturedPunctuator rebuild;

    @BeforeEach
    void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("track-test-" + UUID.randomUUID());
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(RECEIVED.plusMillis(20).toEpochMilli());
        entries = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.SIGNAL_PROPAGATION),
                Serdes.String(), CountingSerde.counting(PropagationEntrySerde.of(registry),
                        entryWrites))
                .withLoggingDisabled().build();
        answers = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.PROPAGATION_ANSWERS),
                Serdes.String(), CountingSerde.counting(AvroSerde.forClass(PropagationAnswers.class, registry, false),
                        answerWrites))
                .withLoggingDisabled().build();
        deadlines = index(StoreNames.PROPAGATION_DEADLINES);
        retention = index(StoreNames.PROPAGATION_RETENTION);
        subjects = index(StoreNames.SIGNAL_SUBJECTS);
        for (var store : List.of(entries, answers, deadlines, retention, subjects)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        metrics = new CountingMetrics();
        processor = started();
    }

    private static KeyValueStore<String, String> index(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
    }

    /** A processor started on the stores, with its index rebuild run to the end. */
    private TrackPropagationProcessor started() {
        TrackPropagationProcessor started = startedRebuilding(TrackPropagationProcessor.REBUILD_STEP);
        while (!rebuild.cancelled()) {
            rebuild.getPunctuator().punctuate(context.currentSystemTimeMs());
        }
        return started;
    }

    /** A processor started on the stores, whose index rebuild reads {@code step} entries each time it runs. */
    private TrackPropagationProcessor startedRebuilding(int step) {
        int scheduled = context.scheduledPunctuators().size();
        TrackPropagationProcessor started = new TrackPropagationProcessor(Duration.ofSeconds(5), RETENTION, 100,
                metrics, CommitPacer.OFF, step);
        started.init(context);
        rebuild = context.scheduledPunctuators().subList(scheduled, context.scheduledPunctuators().size()).stream()
                .filter(p -> p.getInterval().toMillis() < 1_000).findFirst().orElseThrow();
        return started;
    }

    @Test
    void shouldEmitOneReceiptWithLatenciesWhenEveryVendorAnswered() {
        List<PropagationCommand> opened = open("adnet", "mailer");

        ack(opened.get(0), AckStatus.APPLIED, RECEIVED.plusMillis(1_500));
        assertThat(receipts()).as("mailer has not answered yet").isEmpty();
        ack(opened.get(1), AckStatus.NOT_FOUND, RECEIVED.plusSeconds(20));

        assertThat(receipts()).singleElement().satisfies(receipt -> {
            assertThat(receipt.getSignalId()).isEqualTo(signalId);
            assertThat(receipt.getSubjectId()).isEqualTo(SUBJECT);
            assertThat(receipt.getAllHonoured()).isTrue();
            assertThat(receipt.getCompletedAt()).isEqualTo(RECEIVED.plusSeconds(20));
            assertThat(receipt.getVendors()).hasSize(2).anySatisfy(v -> {
                assertThat(v.getVendorId()).isEqualTo("adnet");
                assertThat(v.getStatus()).isEqualTo(AckStatus.APPLIED);
                assertThat(v.getLatencyMillis()).isEqualTo(1_500);
                assertThat(v.getMetDeadline()).isTrue();
                assertThat(v.getAttempts()).isEqualTo(1);
            }).anySatisfy(v -> {
                assertThat(v.getVendorId()).isEqualTo("mailer");
                assertThat(v.getStatus()).isEqualTo(AckStatus.NOT_FOUND);
                assertThat(v.getLatencyMillis()).isEqualTo(20_000);
            });
        });
        assertThat(audits()).as("one audit event for the receipt, listing every answer").singleElement()
                .satisfies(completed -> {
                    assertThat(completed.getType()).isEqualTo(AuditEventType.PROPAGATION_COMPLETED);
                    assertThat(completed.getAcks()).extracting(a -> a.getVendorId() + ":" + a.getStatus())
                            .containsExactlyInAnyOrder("adnet:APPLIED", "mailer:NOT_FOUND");
                });
        assertThat(metrics.latencies).containsExactly(Duration.ofMillis(1_500), Duration.ofSeconds(20));
        assertThat(metrics.acks).containsExactly("adnet:APPLIED", "mailer:NOT_FOUND");
        assertThat(context.forwarded()).as("everything stays keyed by the subject")
                .allSatisfy(f -> assertThat(f.record().key()).isEqualTo(SUBJECT));
        assertThat(entry().getCommands()).extracting(PendingCommand::getStatus)
                .containsExactly(AckStatus.APPLIED, AckStatus.NOT_FOUND);
    }

    @Test
    void shouldApplyEveryAckOfARecordThatCarriesSeveralAndWriteItsAnswersOnce() {
        List<PropagationCommand> opened = open("adnet", "mailer", "crm");
        int before = entryWrites.get();

        input(AckRecords.of(List.of(ackOf(opened.get(0), AckStatus.APPLIED, RECEIVED.plusSeconds(1)),
                ackOf(opened.get(1), AckStatus.NOT_FOUND, RECEIVED.plusSeconds(2)),
                ackOf(opened.get(2), AckStatus.APPLIED, RECEIVED.plusSeconds(3)))));

        assertThat(answerWrites.get()).as("one write for the record's three answers").isEqualTo(1);
        assertThat(entryWrites.get() - before).as("the entry as decided is not written again").isZero();
        assertThat(entry().getCommands()).extracting(PendingCommand::getStatus)
                .containsExactly(AckStatus.APPLIED, AckStatus.NOT_FOUND, AckStatus.APPLIED);
        assertThat(receipts()).singleElement().satisfies(receipt -> assertThat(receipt.getVendors())
                .extracting(v -> v.getVendorId() + ":" + v.getStatus())
                .containsExactlyInAnyOrder("adnet:APPLIED", "mailer:NOT_FOUND", "crm:APPLIED"));
        assertThat(metrics.acks).containsExactly("adnet:APPLIED", "mailer:NOT_FOUND", "crm:APPLIED");
    }

    @Test
    void shouldMatchAnAckWithoutItsSignalIdByItsCommandAmongTheSubjectsEntries() {
        open("crm");
        signalId = UUID.randomUUID();
        PropagationCommand adnet = open("adnet").get(0);
        CommandAck ack = ackOf(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        ack.setSignalId(null);

        input(ack);

        assertThat(receipts()).singleElement()
                .satisfies(receipt -> assertThat(receipt.getSignalId()).isEqualTo(signalId));
    }

    @Test
    void shouldEmitBreachOnceForCommandPastItsDeadlineWithoutAck() {
        List<PropagationCommand> opened = open("adnet", "mailer");
        PropagationCommand mailer = opened.get(1);
        ack(opened.get(0), AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        context.resetForwards();

        processor.punctuate(RECEIVED.plus(SLA).minusMillis(1));
        assertThat(breaches()).as("before the deadline").isEmpty();

        processor.punctuate(RECEIVED.plus(SLA).plusSeconds(5));
        processor.punctuate(RECEIVED.plus(SLA).plusSeconds(10));

        assertThat(breaches()).singleElement().satisfies(breach -> {
            assertThat(breach.getVendorId()).isEqualTo("mailer");
            assertThat(breach.getCommandId()).isEqualTo(mailer.getCommandId());
            assertThat(breach.getOverdueMillis()).isEqualTo(5_000);
        });
        assertThat(audits()).extracting(AuditEvent::getType).containsExactly(AuditEventType.SLA_BREACH);
        assertThat(metrics.breaches).containsExactly("mailer:SUPPRESS");
        assertThat(entry().getCommands().get(1).getBreached()).isTrue();
    }

    @Test
    void shouldStillBreachACommandTrackedBeforeTheTaskRestartedFromItsEntriesAlone() {
        List<PropagationCommand> first = openWithTheFirstAnswered("adnet", "mailer", "crm");
        processor.punctuate(RECEIVED.plus(SLA).plusSeconds(1));
        context.resetForwards();

        // The indexes have no changelog: a restarted task may find them empty, or with what its last run left
        // (here a deadline for a signal nothing waits on any more), and rebuilds them from the entries.
        clear(deadlines);
        String key = PropagationLedger.key(SUBJECT, signalId.toString());
        deadlines.put(TimeKeys.of(RECEIVED) + "|" + key, key);
        TrackPropagationProcessor restarted = started();
        restarted.punctuate(RECEIVED.plus(SLA).plusSeconds(1));
        assertThat(breaches()).as("the deadline a previous run left is no longer the signal's: it breaches nothing")
                .isEmpty();
        assertThat(deadlines.approximateNumEntries()).as("only signals with a command still waiting are indexed")
                .isZero();
        assertThat(first).hasSize(3);

        signalId = UUID.randomUUID();
        open("late");
        clear(deadlines);
        clear(subjects);
        TrackPropagationProcessor again = started();
        again.punctuate(RECEIVED.plus(SLA).plusSeconds(2));

        assertThat(breaches()).extracting(SlaBreach::getVendorId).containsExactly("late");
        assertThat(subjects.get(signalId.toString())).as("the signal index is rebuilt too").isEqualTo(SUBJECT);
    }

    @Test
    void shouldDecideAndTrackWhileARestartedTaskRebuildsItsIndexesAndCountEachPendingCommandOnce() {
        // Three signals, one command each, all waiting; in key order.
        List<UUID> ids = new ArrayList<>();
        Map<UUID, PropagationCommand> commands = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            signalId = UUID.randomUUID();
            ids.add(signalId);
            commands.put(signalId, open("adnet").get(0));
        }
        ids.sort(Comparator.comparing(UUID::toString));
        clear(deadlines);
        clear(subjects);

        processor = startedRebuilding(1);
        rebuild.getPunctuator().punctuate(context.currentSystemTimeMs());
        assertThat(subjects.get(PropagationLedger.REBUILDING)).as("a query can tell the index is incomplete")
                .isNotNull();
        assertThat(subjects.get(ids.get(2).toString())).as("not reached yet").isNull();

        // Between two steps the task goes on: answers for an entry not reached and one passed, and a new signal the
        // rebuild will find again (its id sorts last).
        ack(commands.get(ids.get(2)), AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        ack(commands.get(ids.get(0)), AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        signalId = UUID.fromString("ffffffff-ffff-4fff-bfff-ffffffffffff");
        open("adnet");
        assertThat(receipts()).as("both answered signals completed").hasSize(2);
        while (!rebuild.cancelled()) {
            rebuild.getPunctuator().punctuate(context.currentSystemTimeMs());
        }
        processor.punctuate(RECEIVED.plusSeconds(42));

        assertThat(metrics.pending).as("the second signal and the new one wait, each counted once")
                .containsOnly(Map.entry("adnet", new ConsentMetrics.Pending(2, Duration.ofSeconds(42))));
        assertThat(subjects.get(PropagationLedger.REBUILDING)).isNull();
        assertThat(ids).allSatisfy(id -> assertThat(subjects.get(id.toString())).isEqualTo(SUBJECT));
        assertThat(subjects.get(signalId.toString())).isEqualTo(SUBJECT);
        assertThat(deadlines.approximateNumEntries()).as("the two waiting signals").isEqualTo(2);
    }

    @Test
    void shouldDropEveryIndexEntryAPreviousRunLeftAndCountWhatIsStillPendingOnRestart() {
        open("adnet");
        // Index entries a previous run left that no entry derives: dropped where the check finds them due.
        for (int i = 0; i < 25_000; i++) {
            deadlines.put(TimeKeys.of(RECEIVED) + "|stale-" + i, "stale-" + i);
        }

        TrackPropagationProcessor restarted = started();
        restarted.punctuate(RECEIVED.plusSeconds(42));

        assertThat(deadlines.approximateNumEntries()).as("only the open signal is indexed again").isEqualTo(1);
        assertThat(metrics.pending).containsOnly(
                Map.entry("adnet", new ConsentMetrics.Pending(1, Duration.ofSeconds(42))));
    }

    @Test
    void shouldCompleteWithLateAckAfterBreachAndMarkDeadlineMissed() {
        PropagationCommand mailer = open("mailer").get(0);
        processor.punctuate(RECEIVED.plus(SLA).plusSeconds(1));

        ack(mailer, AckStatus.APPLIED, RECEIVED.plus(SLA).plusSeconds(30));

        assertThat(receipts()).singleElement().satisfies(receipt -> assertThat(receipt.getVendors())
                .singleElement().satisfies(v -> assertThat(v.getMetDeadline()).isFalse()));
        assertThat(breaches()).hasSize(1);
    }

    @Test
    void shouldListTheAnswersSoFarInABreachAndAuditEachLaterAnswerUntilTheSignalCompletes() {
        List<PropagationCommand> opened = openWithTheFirstAnswered("adnet", "mailer", "crm");
        PropagationCommand mailer = opened.get(1);
        PropagationCommand crm = opened.get(2);
        assertThat(audits()).as("an answer waits for its signal's receipt event").isEmpty();

        processor.punctuate(RECEIVED.plus(SLA).plusSeconds(1));
        assertThat(audits()).filteredOn(e -> e.getType() == AuditEventType.SLA_BREACH).hasSize(2)
                .allSatisfy(breach -> assertThat(breach.getAcks()).extracting(a -> a.getVendorId())
                        .containsExactly("adnet"));
        context.resetForwards();

        ack(mailer, AckStatus.APPLIED, RECEIVED.plus(SLA).plusSeconds(20));
        assertThat(audits()).as("after a breach the receipt may never come: the answer is recorded on its own")
                .singleElement().satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(AuditEventType.ACK_RECEIVED);
                    assertThat(e.getVendorId()).isEqualTo("mailer");
                });
        context.resetForwards();

        ack(crm, AckStatus.FAILED, RECEIVED.plus(SLA).plusSeconds(40));
        assertThat(audits()).singleElement().satisfies(completed -> {
            assertThat(completed.getType()).isEqualTo(AuditEventType.PROPAGATION_COMPLETED);
            assertThat(completed.getAcks()).extracting(a -> a.getVendorId() + ":" + a.getStatus())
                    .containsExactlyInAnyOrder("adnet:APPLIED", "mailer:APPLIED", "crm:FAILED");
        });
    }

    @Test
    void shouldAuditAnAckForACommandThisSubjectNeverHadAsUnmatchedAtOnce() {
        PropagationCommand never = command("adnet");

        ack(never, AckStatus.APPLIED, RECEIVED.plusSeconds(1));

        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().key()).isEqualTo(SUBJECT);
            assertThat(f.record().value()).isInstanceOfSatisfying(Outbound.Audit.class, audit -> {
                assertThat(audit.event().getType()).isEqualTo(AuditEventType.ACK_UNMATCHED);
                assertThat(audit.event().getSubjectId()).isEqualTo(SUBJECT);
                assertThat(audit.event().getCommandId()).isEqualTo(never.getCommandId());
                assertThat(audit.event().getReason()).contains("No tracked command");
            });
        });
        assertThat(metrics.acks).isEmpty();
        assertThat(entries.approximateNumEntries()).as("nothing is parked").isZero();
    }

    @Test
    void shouldAuditDuplicateAckWithoutSecondReceipt() {
        PropagationCommand adnet = open("adnet").get(0);
        ack(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        assertThat(receipts()).hasSize(1);
        context.resetForwards();

        ack(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));

        assertThat(receipts()).isEmpty();
        assertThat(audits()).singleElement().satisfies(audit -> {
            assertThat(audit.getType()).isEqualTo(AuditEventType.ACK_RECEIVED);
            assertThat(audit.getDetail()).startsWith("Duplicate acknowledgement");
        });
        assertThat(metrics.latencies).hasSize(1);
    }

    @Test
    void shouldAuditAckFromAnotherVendorAsUnmatched() {
        PropagationCommand adnet = open("adnet").get(0);

        CommandAck wrong = ackOf(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        wrong.setVendorId("mailer");
        input(wrong);

        assertThat(audits()).extracting(AuditEvent::getType).containsExactly(AuditEventType.ACK_UNMATCHED);
        assertThat(receipts()).isEmpty();
        assertThat(entry().getCommands().get(0).getStatus()).isNull();
    }

    @Test
    void shouldKeepUnknownStatusPendingButAuditIt() {
        PropagationCommand adnet = open("adnet").get(0);

        ack(adnet, AckStatus.UNKNOWN, RECEIVED.plusSeconds(1));

        assertThat(receipts()).isEmpty();
        assertThat(audits()).singleElement()
                .satisfies(audit -> assertThat(audit.getDetail()).startsWith("Status unknown to this version"));
        assertThat(entry().getCommands().get(0).getStatus()).isNull();
    }

    @Test
    void shouldKeepCompletedSignalForRetentionThenPurgeIt() {
        PropagationCommand adnet = open("adnet").get(0);
        Instant ackedAt = RECEIVED.plusSeconds(1);
        context.setCurrentSystemTimeMs(ackedAt.toEpochMilli());
        ack(adnet, AckStatus.APPLIED, ackedAt);

        processor.punctuate(ackedAt.plus(RETENTION).minusSeconds(1));
        assertThat(entries.approximateNumEntries()).isEqualTo(1);

        processor.punctuate(ackedAt.plus(RETENTION));
        assertThat(entries.approximateNumEntries()).isZero();
        assertThat(answers.approximateNumEntries()).as("the answers go with their entry").isZero();
        assertThat(retention.approximateNumEntries()).isZero();
        assertThat(subjects.approximateNumEntries()).isZero();
    }

    @Test
    void shouldReportPendingCommandsPerVendorWithOldestAge() {
        open("adnet");
        signalId = UUID.randomUUID();
        open("adnet");
        signalId = UUID.randomUUID();
        PropagationCommand mailer = open("mailer").get(0);
        ack(mailer, AckStatus.APPLIED, RECEIVED.plusSeconds(1));

        processor.punctuate(RECEIVED.plusSeconds(42));

        assertThat(metrics.pending).containsOnlyKeys("adnet")
                .containsEntry("adnet", new ConsentMetrics.Pending(2, Duration.ofSeconds(42)));
    }

    @Test
    void shouldCountABreachedCommandAsPendingUntilItsSignalIsPurged() {
        open("adnet");
        Instant breachedAt = RECEIVED.plus(SLA).plusSeconds(1);
        processor.punctuate(breachedAt);
        assertThat(metrics.pending).as("breached, still unanswered")
                .containsEntry("adnet", new ConsentMetrics.Pending(1, Duration.between(RECEIVED, breachedAt)));

        processor.punctuate(breachedAt.plus(RETENTION));

        assertThat(entries.approximateNumEntries()).isZero();
        assertThat(metrics.pending).as("purged a retention after its breach").isEmpty();
    }

    @Test
    void shouldKeepTheFirstEntryOfASignalOpenedTwice() {
        PropagationCommand adnet = open("adnet").get(0);
        ack(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        context.resetForwards();

        open("adnet");

        assertThat(entry().getCommands()).singleElement().satisfies(c -> {
            assertThat(c.getCommandId()).isEqualTo(adnet.getCommandId());
            assertThat(c.getStatus()).isEqualTo(AckStatus.APPLIED);
        });
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void shouldKeepTheDecisionAsLongAsItsCommandsAndPurgeBothTogether() {
        PropagationCommand adnet = open("adnet").get(0);
        Instant ackedAt = RECEIVED.plus(Duration.ofDays(1));
        context.setCurrentSystemTimeMs(ackedAt.toEpochMilli());
        ack(adnet, AckStatus.APPLIED, ackedAt);

        processor.punctuate(RECEIVED.plusMillis(20).plus(RETENTION));
        assertThat(entry().getDecision().getOutcome()).as("kept while its command is retained")
                .isEqualTo(DecisionOutcome.APPLIED);

        processor.punctuate(ackedAt.plus(RETENTION));
        assertThat(entries.approximateNumEntries()).isZero();
    }

    @Test
    void shouldPurgeADecisionThatCausedNoCommandAfterTheRetention() {
        open();
        Instant decidedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());

        processor.punctuate(decidedAt.plus(RETENTION).minusSeconds(1));
        assertThat(entry()).isNotNull();

        processor.punctuate(decidedAt.plus(RETENTION));
        assertThat(entries.approximateNumEntries()).isZero();
        assertThat(retention.approximateNumEntries()).isZero();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** Opens the current signal's entry with one command per vendor, as the subject's decision does. */
    private List<PropagationCommand> open(String... vendorIds) {
        List<PropagationCommand> commands = Arrays.stream(vendorIds).map(this::command).toList();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        processor.process(new Record<>(SUBJECT, new Outbound.Opened(AuditRecords.propagationOf(SUBJECT,
                signalId.toString(), decision(DecisionOutcome.APPLIED),
                commands.stream().map(c -> AuditRecords.pendingOf(c, now)).toList(), now), true),
                now.toEpochMilli()));
        return commands;
    }

    /** The signal's entry as a restarted task reads it from the stores: as decided, with its answers laid over. */
    private SignalPropagation entry() {
        return PropagationLedger.read(entries, answers, PropagationLedger.key(SUBJECT, signalId.toString()));
    }

    private static void clear(KeyValueStore<String, String> index) {
        List<String> keys = new ArrayList<>();
        try (var all = index.all()) {
            all.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(index::delete);
    }

    private AuditEvent decision(DecisionOutcome outcome) {
        return AuditEvent.newBuilder()
                .setEventId(UUID.randomUUID())
                .setType(AuditEventType.DECISION)
                .setSubjectId(SUBJECT)
                .setSignalId(signalId)
                .setRecordedAt(RECEIVED.plusMillis(5))
                .setOutcome(outcome)
                .setReason("test")
                .setChanges(List.of())
                .build();
    }

    private PropagationCommand command(String vendorId) {
        return PropagationCommand.newBuilder()
                .setCommandId(UUID.randomUUID())
                .setSignalId(signalId)
                .setSubjectId(SUBJECT)
                .setVendorId(vendorId)
                .setAction(CommandAction.SUPPRESS)
                .setPurposes(List.of("advertising"))
                .setIdentifiers(List.of())
                .setReason("opt_out")
                .setSignalReceivedAt(RECEIVED)
                .setIssuedAt(RECEIVED.plusMillis(10))
                .setDeadline(RECEIVED.plus(SLA))
                .build();
    }

    /** Feeds one acknowledgement to the processor, keyed by its subject id as on the wire. */
    private void input(CommandAck ack) {
        processor.process(new Record<>(SUBJECT, new Outbound.AckReceived(ack), context.currentSystemTimeMs()));
    }

    /** Opens one command per vendor of the signal and acknowledges the first as APPLIED a second later. */
    private List<PropagationCommand> openWithTheFirstAnswered(String... vendorIds) {
        List<PropagationCommand> commands = open(vendorIds);
        ack(commands.get(0), AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        return commands;
    }

    private void ack(PropagationCommand command, AckStatus status, Instant appliedAt) {
        input(ackOf(command, status, appliedAt));
    }

    private CommandAck ackOf(PropagationCommand command, AckStatus status, Instant appliedAt) {
        return CommandAck.newBuilder()
                .setCommandId(command.getCommandId())
                .setVendorId(command.getVendorId())
                .setStatus(status)
                .setAppliedAt(appliedAt)
                .setAttempts(1)
                .setSignalId(command.getSignalId())
                .build();
    }

    private <T> List<T> forwarded(Class<T> kind) {
        return context.forwarded().stream().map(f -> f.record().value()).filter(kind::isInstance).map(kind::cast)
                .toList();
    }

    private List<PropagationReceipt> receipts() {
        return forwarded(Outbound.Receipt.class).stream().map(Outbound.Receipt::receipt).toList();
    }

    private List<SlaBreach> breaches() {
        return forwarded(Outbound.Breach.class).stream().map(Outbound.Breach::breach).toList();
    }

    private List<AuditEvent> audits() {
        return forwarded(Outbound.Audit.class).stream().map(Outbound.Audit::event).toList();
    }

    /** What the processor reported, in order. */
    private static final class CountingMetrics implements ConsentMetrics {
        final List<Duration> latencies = new ArrayList<>();
        final List<String> acks = new ArrayList<>();
        final List<String> breaches = new ArrayList<>();
        Map<String, Pending> pending = Map.of();

        @Override
        public void ackReceived(String vendorId, String status) {
            acks.add(vendorId + ":" + status);
        }

        @Override
        public void propagated(String vendorId, String action, Duration latency) {
            latencies.add(latency);
        }

        @Override
        public void slaBreach(String vendorId, String action) {
            breaches.add(vendorId + ":" + action);
        }

        @Override
        public void pendingCommands(String owner, Map<String, Pending> byVendor) {
            pending = byVendor;
        }
    }
}
