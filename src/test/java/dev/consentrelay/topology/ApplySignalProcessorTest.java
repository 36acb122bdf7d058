package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.PolicyEngine;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.ConsentStatus;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;

import static dev.consentrelay.topology.TestSignals.NOW;
import static dev.consentrelay.topology.TestSignals.signal;
import static dev.consentrelay.topology.TestSignals.vendor;
import static org.assertj.core.api.Assertions.assertThat;

/** The table-applying step alone, with in-memory stores and the expiry punctuator fired by hand. */
class ApplySignalProcessorTest {

    private static final String TOPIC = "consent.signals.v1";
    private static final Duration DEDUP_WINDOW = Duration.ofDays(1);
    private static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);

    private MockProcessorContext<String, Outbound> context;
    private ApplySignalProcessor processor;
    private KeyValueStore<String, ConsentRow> table;
    private KeyValueStore<String, String> expiryIndex;
    private VendorDirectory vendors;
    private AvroSerde<ConsentSignal> signalSerde;

    @BeforeEach
    void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("apply-test-" + UUID.randomUUID());
        signalSerde = AvroSerde.forClass(ConsentSignal.class, registry, false);
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        context.setRecordMetadata("consent-relay-signals-by-subject-repartition", 0, 7L);

        table = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.CONSENT_TABLE),
                Serdes.String(), AvroSerde.forClass(ConsentRow.class, registry, false))
                .withLoggingDisabled().build();
        expiryIndex = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.GRANT_EXPIRY_INDEX),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        for (var store : List.of(table, expiryIndex)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }

        vendors = new VendorDirectory();
        vendors.put("adnet", vendor("adnet", Set.of("advertising", "sale_sharing"),
                EnumSet.allOf(Command.Action.class)));
        vendors.put("metrics", vendor("metrics", "analytics"));

        processor = new ApplySignalProcessor(new PolicyEngine(Policy.defaults()), vendors,
                new ApplySignalProcessor.Timing(DEDUP_WINDOW, EXPIRY_INTERVAL, 100), signalSerde.serializer(), TOPIC,
                choices);
        processor.init(context);
    }

    /** Counts the choices the processor reports, as {@code purpose region source choice}. */
    private final List<String> counted = new ArrayList<>();
    private final ConsentMetrics choices = new ConsentMetrics() {
        @Override
        public void choice(String purpose, String region, String source, String choice) {
            counted.add(purpose + " " + region + " " + source + " " + choice);
        }
    };

    @Test
    void shouldCountEachChoiceByPurposeRegionGroupAndSourceAndNothingForADuplicate() {
        ConsentSignal optIn = signal(Signal.Kind.OPT_IN, "user-9", "EU", NOW.minusSeconds(50), "analytics",
                "advertising");
        apply(optIn);
        apply(optIn);
        apply(signal(Signal.Kind.WITHDRAWAL, "user-9", "EU", NOW.minusSeconds(40), "analytics"));
        apply(signal(Signal.Kind.OPT_OUT, "user-10", "US-CA", NOW.minusSeconds(30), "advertising"));
        apply(signal(Signal.Kind.GPC, "user-11", "US-CA", NOW.minusSeconds(20)));

        String us = Policy.defaults().regionLabel("US-CA");
        assertThat(counted).containsExactlyInAnyOrder("advertising EU PREFERENCE_CENTER granted",
                "analytics EU PREFERENCE_CENTER granted",
                "analytics EU PREFERENCE_CENTER withdrawn", "advertising " + us + " PREFERENCE_CENTER refused",
                "advertising " + us + " PREFERENCE_CENTER gpc", "sale_sharing " + us + " PREFERENCE_CENTER gpc",
                "third_party_sharing " + us + " PREFERENCE_CENTER gpc");
    }

    @Test
    void shouldCountALapsedGrantAsExpired() {
        Instant grantedAt = NOW.minusSeconds(5);
        apply(signal(Signal.Kind.OPT_IN, "user-12", "EU", grantedAt, "analytics"));
        counted.clear();

        punctuator().getPunctuator().punctuate(grantedAt.atZone(ZoneOffset.UTC).plusMonths(13).toInstant()
                .plusSeconds(1).toEpochMilli());

        assertThat(counted).containsExactly("analytics EU SERVICE expired");
    }

    private SubjectConsentState state(String subjectId) {
        ConsentRow row = table.get(subjectId);
        return row == null ? null : row.getState();
    }

    @Test
    void shouldOpenTheSignalsPropagationEntryWithItsDecisionAndEveryCommandPending() {
        ConsentSignal optOut = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising");

        apply(optOut);

        SignalPropagation entry = context.forwarded().stream().map(f -> f.record().value())
                .filter(Outbound.Opened.class::isInstance).map(o -> ((Outbound.Opened) o).entry()).findFirst()
                .orElseThrow();
        assertThat(entry.getSubjectId()).isEqualTo("user-1");
        assertThat(entry.getSignalId()).isEqualTo(optOut.getSignalId().toString());
        List<PropagationCommand> issued = context.forwarded().stream().map(f -> f.record().value())
                .filter(Outbound.CommandIssued.class::isInstance).map(o -> ((Outbound.CommandIssued) o).command())
                .toList();
        assertThat(issued).isNotEmpty();
        assertThat(entry.getDecision().getType()).isEqualTo(AuditEventType.DECISION);
        assertThat(entry.getCommands()).extracting(c -> c.getCommandId() + ":" + c.getVendorId())
                .containsExactlyElementsOf(issued.stream().map(c -> c.getCommandId() + ":" + c.getVendorId())
                        .toList());
        assertThat(entry.getCommands()).allSatisfy(c -> assertThat(c.getStatus()).isNull());
    }

    @Test
    void shouldStoreNewRowAndEmitSuppressForOptOut() {
        ConsentSignal optOut = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising");

        apply(optOut);

        SubjectConsentState row = state("user-1");
        assertThat(row.getPurposes().get("advertising").getStatus()).isEqualTo(ConsentStatus.DENIED);
        assertThat(row.getLastSignalId()).isEqualTo(optOut.getSignalId());
        assertThat(forwarded(Outbound.StateChange.class)).singleElement()
                .satisfies(change -> assertThat(change.state()).isEqualTo(row));
        assertThat(commands()).singleElement().satisfies(command -> {
            assertThat(command.getVendorId()).isEqualTo("adnet");
            assertThat(command.getAction()).isEqualTo(CommandAction.SUPPRESS);
            assertThat(command.getPurposes()).containsExactly("advertising");
            assertThat(command.getSignalId()).isEqualTo(optOut.getSignalId());
        });
        assertThat(audits()).as("one audit event per decision, listing its commands").singleElement()
                .satisfies(decision -> {
                    assertThat(decision.getType()).isEqualTo(AuditEventType.DECISION);
                    assertThat(decision.getCommands()).singleElement().satisfies(issued -> {
                        assertThat(issued.getCommandId().toString())
                                .isEqualTo(commands().get(0).getCommandId().toString());
                        assertThat(issued.getVendorId()).isEqualTo("adnet");
                        assertThat(issued.getAction()).isEqualTo(CommandAction.SUPPRESS);
                    });
                });
        assertThat(context.forwarded()).allSatisfy(f -> assertThat(f.record().key()).isEqualTo("user-1"));
    }

    @Test
    void shouldWriteNothingForAGpcSignalWhileTheSubjectsGpcIsActive() {
        apply(signal(Signal.Kind.GPC, "user-1", "US-CA", NOW.minusSeconds(60)));
        ConsentRow rowAfterFirst = table.get("user-1");
        assertThat(rowAfterFirst.getState().getGpc().getActive()).isTrue();
        context.resetForwards();

        apply(signal(Signal.Kind.GPC, "user-1", "US-CA", NOW.minusSeconds(5)));

        assertThat(context.forwarded()).as("no audit, no state, no command, no tracking entry").isEmpty();
        assertThat(table.get("user-1")).as("not even the signal id is remembered").isEqualTo(rowAfterFirst);
    }

    @Test
    void shouldNotEmitStateOrCommandsForDuplicateSignal() {
        ConsentSignal optOut = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising");
        apply(optOut);
        SubjectConsentState rowAfterFirst = state("user-1");
        context.resetForwards();
        context.setCurrentSystemTimeMs(NOW.plusSeconds(30).toEpochMilli());

        apply(optOut);

        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(f.record().value())
                .isInstanceOfSatisfying(Outbound.Audit.class, audit -> {
                    assertThat(audit.event().getType()).isEqualTo(AuditEventType.SIGNAL_RECEIVED);
                    assertThat(audit.event().getOutcome()).isEqualTo(DecisionOutcome.NO_CHANGE);
                    assertThat(audit.event().getReason()).startsWith("Duplicate signal");
                }));
        assertThat(state("user-1")).isEqualTo(rowAfterFirst);
    }

    @Test
    void shouldApplySameSignalIdAgainOnceTheDedupWindowHasPassed() {
        ConsentSignal optOut = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising");
        apply(optOut);
        context.resetForwards();
        context.setCurrentSystemTimeMs(NOW.plus(DEDUP_WINDOW).plusSeconds(1).toEpochMilli());

        apply(optOut);

        assertThat(audits()).extracting(AuditEvent::getType).containsExactly(AuditEventType.DECISION);
    }

    @Test
    void shouldNotUpdateStatusForOlderSignal() {
        apply(signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(10), "advertising"));
        context.resetForwards();

        apply(signal(Signal.Kind.OPT_IN, "user-1", "US-CA", NOW.minusSeconds(60), "advertising"));

        assertThat(state("user-1").getPurposes().get("advertising").getStatus())
                .isEqualTo(ConsentStatus.DENIED);
        assertThat(commands()).isEmpty();
        assertThat(audits()).singleElement().satisfies(audit -> {
            assertThat(audit.getType()).isEqualTo(AuditEventType.DECISION);
            assertThat(audit.getOutcome()).isEqualTo(DecisionOutcome.SUPERSEDED);
        });
    }

    @Test
    void shouldIndexGrantExpiry() {
        Instant grantedAt = NOW.minusSeconds(5);

        apply(signal(Signal.Kind.OPT_IN, "user-1", "EU", grantedAt, "analytics"));

        Instant expiresAt = grantedAt.atZone(ZoneOffset.UTC).plusMonths(13).toInstant();
        assertThat(state("user-1").getPurposes().get("analytics").getExpiresAt()).isEqualTo(expiresAt);
        assertThat(indexEntries()).containsExactly(KeyValue.pair(GrantExpiryIndex.key(expiresAt, "user-1"),
                "user-1"));
    }

    @Test
    void shouldSuppressWhenPunctuatorFiresPastTheExpiry() {
        Instant grantedAt = NOW.minusSeconds(5);
        apply(signal(Signal.Kind.OPT_IN, "user-1", "EU", grantedAt, "analytics"));
        Instant expiresAt = grantedAt.atZone(ZoneOffset.UTC).plusMonths(13).toInstant();
        context.resetForwards();

        punctuator().getPunctuator().punctuate(expiresAt.plusSeconds(1).toEpochMilli());

        assertThat(commands()).singleElement().satisfies(command -> {
            assertThat(command.getVendorId()).isEqualTo("metrics");
            assertThat(command.getAction()).isEqualTo(CommandAction.SUPPRESS);
            assertThat(command.getPurposes()).containsExactly("analytics");
            assertThat(command.getSignalReceivedAt()).isEqualTo(expiresAt);
        });
        assertThat(state("user-1").getPurposes().get("analytics").getStatus()).isEqualTo(ConsentStatus.WITHDRAWN);
        assertThat(forwarded(Outbound.StateChange.class)).hasSize(1);
        assertThat(audits()).singleElement().satisfies(expiry -> {
            assertThat(expiry.getType()).isEqualTo(AuditEventType.GRANT_EXPIRED);
            assertThat(expiry.getCommands()).extracting(c -> c.getVendorId()).containsExactly("metrics");
        });
        assertThat(indexEntries()).isEmpty();
    }

    @Test
    void shouldLeaveGrantAloneWhenPunctuatorFiresBeforeTheExpiry() {
        Instant grantedAt = NOW.minusSeconds(5);
        apply(signal(Signal.Kind.OPT_IN, "user-1", "EU", grantedAt, "analytics"));
        Instant expiresAt = grantedAt.atZone(ZoneOffset.UTC).plusMonths(13).toInstant();
        context.resetForwards();

        punctuator().getPunctuator().punctuate(expiresAt.minusSeconds(1).toEpochMilli());

        assertThat(context.forwarded()).isEmpty();
        assertThat(state("user-1").getPurposes().get("analytics").getStatus()).isEqualTo(ConsentStatus.GRANTED);
        assertThat(indexEntries()).hasSize(1);
    }

    @Test
    void shouldScheduleExpiryOnWallClockTime() {
        assertThat(context.scheduledPunctuators()).singleElement().satisfies(p -> {
            assertThat(p.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
            assertThat(p.getInterval()).isEqualTo(EXPIRY_INTERVAL);
        });
    }

    @Test
    void shouldForwardTheOutputsAsCheckedSoTheyAreSerializedOnce() {
        List<Outbound> checked = new ArrayList<>();
        OutputCheck marking = (key, out) -> {
            Outbound marked = out instanceof Outbound.StateChange state
                    ? new Outbound.StateChange(state.state(), new byte[]{1})
                    : out instanceof Outbound.CommandIssued command
                            ? new Outbound.CommandIssued(command.command(), new byte[]{2})
                            : out instanceof Outbound.Audit audit
                                    ? new Outbound.Audit(audit.event(), new byte[]{3})
                                    : out;
            checked.add(marked);
            return OutputCheck.Checked.accepted(marked);
        };
        processor = new ApplySignalProcessor(new PolicyEngine(Policy.defaults()), vendors,
                new ApplySignalProcessor.Timing(DEDUP_WINDOW, EXPIRY_INTERVAL, 100), signalSerde.serializer(), TOPIC,
                ConsentMetrics.NONE, marking);
        processor.init(context);

        apply(signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising"));

        assertThat(checked).as("state, one command, the decision: each checked once").hasSize(3);
        List<Outbound> forwarded = context.forwarded().stream().map(f -> (Outbound) f.record().value()).toList();
        assertThat(forwarded).as("the checked outputs themselves are forwarded").containsAll(checked);
        assertThat(forwarded(Outbound.StateChange.class)).singleElement()
                .satisfies(state -> assertThat(state.encoded()).containsExactly(1));
        assertThat(forwarded(Outbound.CommandIssued.class)).singleElement()
                .satisfies(command -> assertThat(command.encoded()).containsExactly(2));
        assertThat(forwarded(Outbound.Audit.class)).filteredOn(a -> a.event().getType() == AuditEventType.DECISION)
                .singleElement().satisfies(audit -> assertThat(audit.encoded()).containsExactly(3));
    }

    @Test
    void shouldTellTrackingWhetherTheSubjectMayAlreadyTrackTheSignalsId() {
        ConsentSignal first = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(9), "advertising");
        apply(first);
        assertThat(opened().mayBeTracked()).as("no row yet: an earlier refusal may have opened an entry").isTrue();
        context.resetForwards();

        apply(signal(Signal.Kind.OPT_IN, "user-1", "US-CA", NOW.minusSeconds(5), "advertising"));
        assertThat(opened().mayBeTracked()).as("a row that dropped no id proves an unlisted id new").isFalse();
        context.resetForwards();

        context.setCurrentSystemTimeMs(NOW.plus(DEDUP_WINDOW).plusSeconds(1).toEpochMilli());
        apply(first);
        assertThat(opened().mayBeTracked()).as("listed, though past the window: its entry exists").isTrue();
        assertThat(table.get("user-1").getIdsForgotten()).as("the second id fell out of the window").isTrue();
    }

    @Test
    void shouldMarkTheRowWhenARefusedSignalOpensAnEntryItsRowDoesNotList() {
        boolean[] refuseCommands = {false};
        processor = new ApplySignalProcessor(new PolicyEngine(Policy.defaults()), vendors,
                new ApplySignalProcessor.Timing(DEDUP_WINDOW, EXPIRY_INTERVAL, 100), signalSerde.serializer(), TOPIC,
                choices, (key, out) -> refuseCommands[0] && out instanceof Outbound.CommandIssued
                        ? OutputCheck.Checked.refused("too large for the test")
                        : OutputCheck.Checked.accepted(out));
        processor.init(context);
        apply(signal(Signal.Kind.OPT_IN, "user-1", "US-CA", NOW.minusSeconds(9), "advertising"));
        ConsentRow before = table.get("user-1");
        assertThat(before.getIdsForgotten()).isFalse();
        context.resetForwards();
        refuseCommands[0] = true;

        ConsentSignal refused = signal(Signal.Kind.OPT_OUT, "user-1", "US-CA", NOW.minusSeconds(5), "advertising");
        apply(refused);

        assertThat(opened().entry().getSignalId()).isEqualTo(refused.getSignalId().toString());
        ConsentRow after = table.get("user-1");
        assertThat(after.getState()).as("the refused signal changes no state").isEqualTo(before.getState());
        assertThat(after.getRecentSignals()).as("nor is it remembered: sent again, it is decided again")
                .isEqualTo(before.getRecentSignals());
        assertThat(after.getIdsForgotten()).as("its entry is one the row does not list").isTrue();
        assertThat(forwarded(Outbound.StateChange.class)).isEmpty();
        context.resetForwards();

        refuseCommands[0] = false;
        apply(refused);
        assertThat(opened().mayBeTracked()).as("sent again: tracking keeps the refusal's entry").isTrue();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private Outbound.Opened opened() {
        return forwarded(Outbound.Opened.class).stream().reduce((a, b) -> b).orElseThrow();
    }

    private void apply(ConsentSignal signal) {
        processor.process(new Record<>(signal.getSubjectId(), signal, NOW.toEpochMilli()));
    }

    private CapturedPunctuator punctuator() {
        assertThat(context.scheduledPunctuators()).hasSize(1);
        return context.scheduledPunctuators().get(0);
    }

    private <T extends Outbound> List<T> forwarded(Class<T> type) {
        return context.forwarded().stream()
                .map(f -> f.record().value())
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    private List<PropagationCommand> commands() {
        return forwarded(Outbound.CommandIssued.class).stream().map(Outbound.CommandIssued::command).toList();
    }

    private List<AuditEvent> audits() {
        return forwarded(Outbound.Audit.class).stream().map(Outbound.Audit::event).toList();
    }

    private List<KeyValue<String, String>> indexEntries() {
        try (KeyValueIterator<String, String> it = expiryIndex.all()) {
            List<KeyValue<String, String>> entries = new ArrayList<>();
            it.forEachRemaining(entries::add);
            return entries;
        }
    }
}
