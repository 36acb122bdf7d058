package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.EarlyAcks;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Propagation tracking alone, with in-memory stores and the SLA punctuator fired by hand. */
class TrackPropagationProcessorTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-20T09:00:00Z");
    private static final Duration SLA = Duration.ofMinutes(10);
    private static final Duration RETENTION = Duration.ofDays(7);
    private static final Duration GRACE = Duration.ofMinutes(10);

    private final UUID signalId = UUID.randomUUID();
    private MockProcessorContext<String, Outbound> context;
    private KeyValueStore<String, PendingCommand> pending;
    private KeyValueStore<String, String> deadlines;
    private KeyValueStore<String, String> retention;
    private KeyValueStore<String, EarlyAcks> earlyAcks;
    private KeyValueStore<String, String> earlyAckIndex;
    private KeyValueStore<String, AuditEvent> decisions;
    private CountingMetrics metrics;
    private TrackPropagationProcessor processor;

    @BeforeEach
    void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("track-test-" + UUID.randomUUID());
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(RECEIVED.plusMillis(20).toEpochMilli());
        pending = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.PENDING_COMMANDS),
                Serdes.String(), AvroSerde.forClass(PendingCommand.class, registry, false)).withLoggingDisabled()
                .build();
        deadlines = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.PENDING_DEADLINES),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        retention = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.PROPAGATION_RETENTION),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        earlyAcks = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.EARLY_ACKS),
                Serdes.String(), AvroSerde.forClass(EarlyAcks.class, registry, false)).withLoggingDisabled().build();
        earlyAckIndex = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.EARLY_ACK_INDEX),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        decisions = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.SIGNAL_DECISIONS),
                Serdes.String(), AvroSerde.forClass(AuditEvent.class, registry, false)).withLoggingDisabled().build();
        for (var store : List.of(pending, deadlines, retention, earlyAcks, earlyAckIndex, decisions)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        metrics = new CountingMetrics();
        TrackPropagationProcessor processor = new TrackPropagationProcessor(Duration.ofSeconds(5), RETENTION, GRACE,
                100, metrics);
        processor.init(context);
        this.processor = processor;
    }

    @Test
    void shouldEmitOneReceiptWithLatenciesWhenEveryVendorAnswered() {
        PropagationCommand adnet = command("adnet");
        PropagationCommand mailer = command("mailer");
        track(adnet);
        track(mailer);

        ack(adnet, AckStatus.APPLIED, RECEIVED.plusMillis(1_500));
        assertThat(receipts()).as("mailer has not answered yet").isEmpty();
        ack(mailer, AckStatus.NOT_FOUND, RECEIVED.plusSeconds(20));

        assertThat(receipts()).singleElement().satisfies(receipt -> {
            assertThat(receipt.getSignalId()).isEqualTo(signalId);
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
        assertThat(context.forwarded()).allSatisfy(f -> assertThat(f.record().key())
                .isEqualTo(signalId.toString()));
    }

    @Test
    void shouldEmitBreachOnceForCommandPastItsDeadlineWithoutAck() {
        PropagationCommand adnet = command("adnet");
        PropagationCommand mailer = command("mailer");
        track(adnet);
        track(mailer);
        ack(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));
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
        assertThat(pending.get(PropagationLedger.key(signalId.toString(), mailer.getCommandId().toString()))
                .getBreached()).isTrue();
    }

    @Test
    void shouldStillBreachACommandTrackedBeforeTheTaskRestartedFromItsEntriesAlone() {
        List<PropagationCommand> tracked = trackedWithTheFirstAnswered("adnet", "mailer", "crm");
        PropagationCommand adnet = tracked.get(0);
        processor.punctuate(RECEIVED.plus(SLA).plusSeconds(1));
        context.resetForwards();

        // The deadline index has no changelog: a restarted task may find it empty, or with what its last run left
        // (here an entry for an answered command), and rebuilds it from the entries.
        try (var all = deadlines.all()) {
            all.forEachRemaining(kv -> deadlines.delete(kv.key));
        }
        deadlines.put(PropagationLedger.timeKey(RECEIVED) + "|" + PropagationLedger.key(signalId.toString(),
                adnet.getCommandId().toString()), PropagationLedger.key(signalId.toString(),
                        adnet.getCommandId().toString()));
        TrackPropagationProcessor restarted = new TrackPropagationProcessor(Duration.ofSeconds(5), RETENTION, GRACE,
                100, metrics);
        restarted.init(context);
        assertThat(deadlines.approximateNumEntries()).as("only unanswered, unbreached commands are indexed")
                .isZero();

        PropagationCommand late = command("late");
        restarted.process(new Record<>(signalId.toString(), new Outbound.CommandTracked(late),
                context.currentSystemTimeMs()));
        try (var all = deadlines.all()) {
            all.forEachRemaining(kv -> deadlines.delete(kv.key));
        }
        TrackPropagationProcessor again = new TrackPropagationProcessor(Duration.ofSeconds(5), RETENTION, GRACE,
                100, metrics);
        again.init(context);
        again.punctuate(RECEIVED.plus(SLA).plusSeconds(2));

        assertThat(breaches()).extracting(SlaBreach::getVendorId).containsExactly("late");
    }

    @Test
    void shouldDropEveryDeadlineAPreviousRunLeftAndCountWhatIsStillPendingOnRestart() {
        PropagationCommand adnet = command("adnet");
        track(adnet);
        // More stale index entries than one pass of the clearing deletes.
        for (int i = 0; i < 25_000; i++) {
            deadlines.put(PropagationLedger.timeKey(RECEIVED) + "|stale-" + i, "stale-" + i);
        }

        TrackPropagationProcessor restarted = new TrackPropagationProcessor(Duration.ofSeconds(5), RETENTION, GRACE,
                100, metrics);
        restarted.init(context);
        restarted.punctuate(RECEIVED.plusSeconds(42));

        assertThat(deadlines.approximateNumEntries()).as("only the tracked command is indexed again").isEqualTo(1);
        assertThat(metrics.pending).containsOnly(
                Map.entry("adnet", new ConsentMetrics.Pending(1, Duration.ofSeconds(42))));
    }

    @Test
    void shouldCompleteWithLateAckAfterBreachAndMarkDeadlineMissed() {
        PropagationCommand mailer = command("mailer");
        track(mailer);
        processor.punctuate(RECEIVED.plus(SLA).plusSeconds(1));

        ack(mailer, AckStatus.APPLIED, RECEIVED.plus(SLA).plusSeconds(30));

        assertThat(receipts()).singleElement().satisfies(receipt -> assertThat(receipt.getVendors())
                .singleElement().satisfies(v -> assertThat(v.getMetDeadline()).isFalse()));
        assertThat(breaches()).hasSize(1);
    }

    @Test
    void shouldListTheAnswersSoFarInABreachAndAuditEachLaterAnswerUntilTheSignalCompletes() {
        List<PropagationCommand> tracked = trackedWithTheFirstAnswered("adnet", "mailer", "crm");
        PropagationCommand mailer = tracked.get(1);
        PropagationCommand crm = tracked.get(2);
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
    void shouldApplyAnAckThatArrivesBeforeItsCommand() {
        PropagationCommand adnet = command("adnet");
        ack(adnet, AckStatus.APPLIED, RECEIVED.plusMillis(1_500));
        assertThat(context.forwarded()).as("parked until its command arrives").isEmpty();

        track(adnet);

        assertThat(receipts()).singleElement().satisfies(receipt -> assertThat(receipt.getVendors())
                .singleElement().satisfies(v -> {
                    assertThat(v.getStatus()).isEqualTo(AckStatus.APPLIED);
                    assertThat(v.getLatencyMillis()).isEqualTo(1_500);
                    assertThat(v.getMetDeadline()).isTrue();
                }));
        assertThat(audits()).extracting(AuditEvent::getType).containsExactly(AuditEventType.PROPAGATION_COMPLETED);
        assertThat(metrics.acks).containsExactly("adnet:APPLIED");
        assertThat(metrics.latencies).containsExactly(Duration.ofMillis(1_500));
        assertThat(earlyAcks.approximateNumEntries()).isZero();
        assertThat(earlyAckIndex.approximateNumEntries()).isZero();
        context.resetForwards();

        processor.punctuate(RECEIVED.plus(SLA).plus(GRACE).plusSeconds(5));

        assertThat(breaches()).isEmpty();
        assertThat(audits()).isEmpty();
        assertThat(metrics.breaches).isEmpty();
    }

    @Test
    void shouldApplyParkedDuplicateAcksInArrivalOrder() {
        PropagationCommand adnet = command("adnet");
        ack(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        ack(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));

        track(adnet);

        assertThat(receipts()).hasSize(1);
        assertThat(audits()).extracting(AuditEvent::getType).containsExactly(AuditEventType.PROPAGATION_COMPLETED,
                AuditEventType.ACK_RECEIVED);
        assertThat(audits().get(1).getDetail()).startsWith("Duplicate acknowledgement");
        assertThat(metrics.latencies).hasSize(1);
    }

    @Test
    void shouldAuditAParkedAckFromAnotherVendorAsUnmatchedWhenItsCommandArrives() {
        PropagationCommand adnet = command("adnet");
        CommandAck wrong = ackOf(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        wrong.setVendorId("mailer");
        input(wrong);

        track(adnet);

        assertThat(audits()).extracting(AuditEvent::getType).containsExactly(AuditEventType.ACK_UNMATCHED);
        assertThat(receipts()).isEmpty();
    }

    @Test
    void shouldAuditAParkedAckAsUnmatchedAfterTheGracePeriod() {
        PropagationCommand never = command("adnet");
        Instant parkedAt = RECEIVED.plusMillis(20);
        ack(never, AckStatus.APPLIED, RECEIVED.plusSeconds(1));

        processor.punctuate(parkedAt.plus(GRACE).minusMillis(1));
        assertThat(context.forwarded()).as("still within the grace period").isEmpty();

        processor.punctuate(parkedAt.plus(GRACE));
        processor.punctuate(parkedAt.plus(GRACE).plusSeconds(5));

        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().key()).isEqualTo(signalId.toString());
            assertThat(f.record().value()).isInstanceOfSatisfying(Outbound.Audit.class, audit -> {
                assertThat(audit.event().getType()).isEqualTo(AuditEventType.ACK_UNMATCHED);
                assertThat(audit.event().getCommandId()).isEqualTo(never.getCommandId());
                assertThat(audit.event().getVendorId()).isEqualTo("adnet");
                assertThat(audit.event().getReason()).contains("No tracked command");
            });
        });
        assertThat(metrics.acks).isEmpty();
        assertThat(earlyAcks.approximateNumEntries()).isZero();
        assertThat(earlyAckIndex.approximateNumEntries()).isZero();
    }

    @Test
    void shouldAuditDuplicateAckWithoutSecondReceipt() {
        PropagationCommand adnet = command("adnet");
        track(adnet);
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
        PropagationCommand adnet = command("adnet");
        track(adnet);

        CommandAck wrong = ackOf(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        wrong.setVendorId("mailer");
        input(wrong);

        assertThat(audits()).extracting(AuditEvent::getType).containsExactly(AuditEventType.ACK_UNMATCHED);
        assertThat(receipts()).isEmpty();
    }

    @Test
    void shouldKeepCompletedSignalForRetentionThenPurgeIt() {
        PropagationCommand adnet = command("adnet");
        track(adnet);
        Instant ackedAt = RECEIVED.plusSeconds(1);
        context.setCurrentSystemTimeMs(ackedAt.toEpochMilli());
        ack(adnet, AckStatus.APPLIED, ackedAt);

        processor.punctuate(ackedAt.plus(RETENTION).minusSeconds(1));
        assertThat(pending.approximateNumEntries()).isEqualTo(1);

        processor.punctuate(ackedAt.plus(RETENTION));
        assertThat(pending.approximateNumEntries()).isZero();
        assertThat(retention.approximateNumEntries()).isZero();
    }

    @Test
    void shouldReportPendingCommandsPerVendorWithOldestAge() {
        track(command("adnet"));
        track(command("adnet"));
        PropagationCommand mailer = command("mailer");
        track(mailer);
        ack(mailer, AckStatus.APPLIED, RECEIVED.plusSeconds(1));

        processor.punctuate(RECEIVED.plusSeconds(42));

        assertThat(metrics.pending).containsOnlyKeys("adnet")
                .containsEntry("adnet", new ConsentMetrics.Pending(2, Duration.ofSeconds(42)));
    }

    @Test
    void shouldCountABreachedCommandAsPendingUntilItsSignalIsPurged() {
        track(command("adnet"));
        Instant breachedAt = RECEIVED.plus(SLA).plusSeconds(1);
        processor.punctuate(breachedAt);
        assertThat(metrics.pending).as("breached, still unanswered")
                .containsEntry("adnet", new ConsentMetrics.Pending(1, Duration.between(RECEIVED, breachedAt)));

        processor.punctuate(breachedAt.plus(RETENTION));

        assertThat(pending.approximateNumEntries()).isZero();
        assertThat(metrics.pending).as("purged a retention after its breach").isEmpty();
    }

    @Test
    void shouldIgnoreTheSameCommandTrackedTwice() {
        PropagationCommand adnet = command("adnet");
        track(adnet);
        ack(adnet, AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        context.resetForwards();

        track(adnet);

        assertThat(pending.get(PropagationLedger.key(signalId.toString(), adnet.getCommandId().toString()))
                .getStatus()).isEqualTo(AckStatus.APPLIED);
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void shouldKeepTheFirstDecisionOnASignalAsLongAsItsCommandsAndPurgeBothTogether() {
        AuditEvent applied = decision(DecisionOutcome.APPLIED);
        processor.process(new Record<>(signalId.toString(), new Outbound.DecisionTracked(applied),
                context.currentSystemTimeMs()));
        processor.process(new Record<>(signalId.toString(), new Outbound.DecisionTracked(
                decision(DecisionOutcome.REJECTED)), context.currentSystemTimeMs()));
        assertThat(context.forwarded()).as("recording a decision emits nothing").isEmpty();
        PropagationCommand adnet = command("adnet");
        track(adnet);
        Instant ackedAt = RECEIVED.plus(Duration.ofDays(1));
        context.setCurrentSystemTimeMs(ackedAt.toEpochMilli());
        ack(adnet, AckStatus.APPLIED, ackedAt);

        assertThat(decisions.get(signalId.toString())).as("a signal is decided once").isEqualTo(applied);

        processor.punctuate(RECEIVED.plusMillis(20).plus(RETENTION));
        assertThat(decisions.get(signalId.toString())).as("kept while its command is retained").isNotNull();

        processor.punctuate(ackedAt.plus(RETENTION));
        assertThat(decisions.approximateNumEntries()).isZero();
        assertThat(pending.approximateNumEntries()).isZero();
    }

    @Test
    void shouldPurgeADecisionThatCausedNoCommandAfterTheRetention() {
        processor.process(new Record<>(signalId.toString(), new Outbound.DecisionTracked(
                decision(DecisionOutcome.NO_CHANGE)), context.currentSystemTimeMs()));
        Instant decidedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());

        processor.punctuate(decidedAt.plus(RETENTION).minusSeconds(1));
        assertThat(decisions.get(signalId.toString())).isNotNull();

        processor.punctuate(decidedAt.plus(RETENTION));
        assertThat(decisions.approximateNumEntries()).isZero();
        assertThat(retention.approximateNumEntries()).isZero();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private AuditEvent decision(DecisionOutcome outcome) {
        return AuditEvent.newBuilder()
                .setEventId(UUID.randomUUID())
                .setType(AuditEventType.DECISION)
                .setSubjectId("user-1")
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
                .setSubjectId("user-1")
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

    /** Feeds one input to the processor, keyed by its signal id as on the wire. */
    private void input(Object value) {
        Outbound wrapped = value instanceof CommandAck ack
                ? new Outbound.AckReceived(ack)
                : new Outbound.CommandTracked((PropagationCommand) value);
        processor.process(new Record<>(signalId.toString(), wrapped, context.currentSystemTimeMs()));
    }

    /** Tracks one command per vendor of the signal and acknowledges the first as APPLIED a second later. */
    private List<PropagationCommand> trackedWithTheFirstAnswered(String... vendorIds) {
        List<PropagationCommand> commands = Arrays.stream(vendorIds).map(this::command).toList();
        commands.forEach(this::track);
        ack(commands.get(0), AckStatus.APPLIED, RECEIVED.plusSeconds(1));
        return commands;
    }

    private void track(PropagationCommand command) {
        input(command);
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
