package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AuditRecords;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.CommandAnswer;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationAnswers;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger keeps recent entries as objects and changes them in place: what the store holds (and so the changelog
 * and a restore) must always be what the ledger answers, whether an entry was still held or had been let go.
 */
class PropagationLedgerTest {

    private static final Instant NOW = Instant.parse("2026-12-03T09:00:00Z");

    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger answerWrites = new AtomicInteger();
    private KeyValueStore<String, SignalPropagation> entries;
    private KeyValueStore<String, PropagationAnswers> answers;
    private Serde<SignalPropagation> entrySerde;
    private Serde<PropagationAnswers> answerSerde;
    private KeyValueStore<String, String> deadlines;
    private PropagationLedger ledger;

    @BeforeEach
    void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("mem://ledger-test");
        entrySerde = PropagationEntrySerde.of(registry);
        answerSerde = AvroSerde.forClass(PropagationAnswers.class, registry, false);
        entries = store(StoreNames.SIGNAL_PROPAGATION, CountingSerde.counting(entrySerde, writes));
        answers = store(StoreNames.PROPAGATION_ANSWERS, CountingSerde.counting(answerSerde, answerWrites));
        deadlines = store(StoreNames.PROPAGATION_DEADLINES, Serdes.String());
        ledger = new PropagationLedger(new PropagationLedger.Stores(entries, answers, deadlines,
                store(StoreNames.PROPAGATION_RETENTION, Serdes.String()),
                store(StoreNames.SIGNAL_SUBJECTS, Serdes.String())), Duration.ofDays(1), 2);
    }

    @Test
    void shouldStoreEveryUpdateWhetherTheEntryWasHeldOrLetGo() {
        SignalPropagation first = entry("subject-1", "signal-1", "mailer", "ads");
        ledger.open(first);
        ledger.open(entry("subject-2", "signal-2", "mailer"));
        ledger.open(entry("subject-3", "signal-3", "mailer"));

        // signal-1 was let go (two held): read back from the store, then answered.
        SignalPropagation read = ledger.get("subject-1", "signal-1");
        assertThat(read).isNotSameAs(first).isEqualTo(first);
        ledger.update(read, entry -> entry.getCommands().get(0).setStatus(AckStatus.APPLIED));
        ledger.write();
        // Held now: the same object, changed again.
        SignalPropagation held = ledger.get("subject-1", "signal-1");
        assertThat(held).isSameAs(read);
        ledger.update(held, entry -> entry.getCommands().get(1).setStatus(AckStatus.NOT_FOUND));
        ledger.write();

        assertThat(stored("subject-1", "signal-1").getCommands())
                .extracting(PendingCommand::getStatus).containsExactly(AckStatus.APPLIED, AckStatus.NOT_FOUND);
        assertThat(deadlines.approximateNumEntries())
                .as("signal-1 waits for nothing more: only the others have a deadline").isEqualTo(2);
        assertThat(ledger.overdue(NOW.plusSeconds(7200), 10)).extracting(SignalPropagation::getSignalId)
                .containsExactly("signal-2", "signal-3");
    }

    @Test
    void shouldWriteAnEntryChangedSeveralTimesOnceAndAnswerWithItsChangesMeanwhile() {
        ledger.open(entry("subject-1", "signal-1", "mailer", "ads"));
        int opened = writes.get() + answerWrites.get();
        SignalPropagation held = ledger.get("subject-1", "signal-1");
        ledger.update(held, entry -> entry.getCommands().get(0).setStatus(AckStatus.APPLIED));
        // Two other entries read meanwhile push signal-1 out of the two held, but not its unwritten change.
        ledger.open(entry("subject-2", "signal-2", "mailer"));
        ledger.open(entry("subject-3", "signal-3", "mailer"));
        SignalPropagation again = ledger.get("subject-1", "signal-1");
        assertThat(again).isSameAs(held);
        ledger.update(again, entry -> entry.getCommands().get(1).setStatus(AckStatus.APPLIED));

        assertThat(stored("subject-1", "signal-1").getCommands())
                .as("nothing written before the record is applied").extracting(PendingCommand::getStatus)
                .containsOnlyNulls();
        ledger.write();

        assertThat(writes.get() + answerWrites.get() - opened).as("the two opened, then signal-1's answers once")
                .isEqualTo(3);
        assertThat(stored("subject-1", "signal-1").getCommands())
                .extracting(PendingCommand::getStatus).containsExactly(AckStatus.APPLIED, AckStatus.APPLIED);
        assertThat(ledger.overdue(NOW.plusSeconds(7200), 10)).as("its deadline left the index with the write")
                .extracting(SignalPropagation::getSignalId).containsExactly("signal-2", "signal-3");
        assertThat(ledger.retentionDue(NOW.plus(Duration.ofDays(2)), 10)).extracting(SignalPropagation::getSignalId)
                .containsExactly("signal-1");
    }

    @Test
    void shouldChangeTheHeldObjectWhenAnEntryIsFoundByItsCommand() {
        SignalPropagation opened = entry("subject-1", "signal-1", "mailer");
        ledger.open(opened);
        PendingCommand command = opened.getCommands().get(0);

        SignalPropagation found = ledger.findByCommand("subject-1", command.getCommandId()).orElseThrow();
        assertThat(found).as("the object an update must change, not a second copy").isSameAs(opened);
        ledger.update(found, entry -> entry.getCommands().get(0).setStatus(AckStatus.APPLIED));
        ledger.write();

        assertThat(ledger.get("subject-1", "signal-1").getCommands().get(0).getStatus())
                .isEqualTo(AckStatus.APPLIED);
        assertThat(stored("subject-1", "signal-1").getCommands().get(0).getStatus())
                .isEqualTo(AckStatus.APPLIED);
    }

    @Test
    void shouldWriteAnAnswerAsASmallRecordAndLeaveTheEntryAsDecided() {
        SignalPropagation opened = entry("subject-1", "signal-1", "mailer", "ads", "crm");
        ledger.open(opened);
        int entryWrites = writes.get();
        ledger.update(opened, entry -> {
            entry.getCommands().get(1).setStatus(AckStatus.APPLIED);
            entry.getCommands().get(1).setAttempts(2);
            entry.getCommands().get(2).setBreached(true);
            entry.setUpdatedAt(NOW.plusSeconds(5));
        });
        ledger.write();

        assertThat(writes.get()).as("the entry as decided is written once, when opened").isEqualTo(entryWrites);
        assertThat(entries.get(PropagationLedger.key("subject-1", "signal-1")).getCommands())
                .extracting(PendingCommand::getStatus).containsOnlyNulls();
        PropagationAnswers written = answers.get(PropagationLedger.key("subject-1", "signal-1"));
        assertThat(written.getAnswers()).as("only the answered and the breached, by position")
                .extracting(CommandAnswer::getIndex).containsExactly(1, 2);
        byte[] answerBytes = answerSerde.serializer().serialize("answers", written);
        byte[] entryBytes = entrySerde.serializer().serialize("entries", opened);
        assertThat(answerBytes.length).as("an answer rewrites a fraction of the entry")
                .isLessThan(entryBytes.length / 4);

        SignalPropagation read = stored("subject-1", "signal-1");
        assertThat(read).as("read back as one entry, as a restarted task reads it").isEqualTo(opened);
        assertThat(read.getCommands().get(1).getAttempts()).isEqualTo(2);
        assertThat(read.getUpdatedAt()).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void shouldReadAnEntryWrittenWholeByAnEarlierReleaseAsItWasStored() {
        SignalPropagation whole = entry("subject-1", "signal-1", "mailer", "ads");
        whole.getCommands().get(0).setStatus(AckStatus.APPLIED);
        entries.put(PropagationLedger.key("subject-1", "signal-1"), whole);

        SignalPropagation read = ledger.get("subject-1", "signal-1");
        assertThat(read.getCommands()).extracting(PendingCommand::getStatus).containsExactly(AckStatus.APPLIED, null);
        ledger.update(read, entry -> entry.getCommands().get(1).setStatus(AckStatus.NOT_FOUND));
        ledger.write();

        assertThat(answers.get(PropagationLedger.key("subject-1", "signal-1")).getAnswers())
                .as("its earlier answer moves into the answers with the new one")
                .extracting(CommandAnswer::getStatus).containsExactly(AckStatus.APPLIED, AckStatus.NOT_FOUND);
        assertThat(stored("subject-1", "signal-1").getCommands()).extracting(PendingCommand::getStatus)
                .containsExactly(AckStatus.APPLIED, AckStatus.NOT_FOUND);
    }

    @Test
    void shouldRebuildTheIndexesFromBothPartsOfTheEntries() {
        SignalPropagation answered = entry("subject-1", "signal-1", "mailer");
        ledger.open(answered);
        ledger.open(entry("subject-2", "signal-2", "mailer"));
        ledger.open(entry("subject-3", "signal-3", "mailer"));
        ledger.update(answered, entry -> entry.getCommands().get(0).setStatus(AckStatus.APPLIED));
        SignalPropagation third = ledger.get("subject-3", "signal-3");
        ledger.update(third, entry -> entry.getCommands().get(0).setStatus(AckStatus.APPLIED));
        ledger.write();

        List<String> seen = new ArrayList<>();
        PropagationLedger restarted = new PropagationLedger(new PropagationLedger.Stores(entries, answers, deadlines,
                store(StoreNames.PROPAGATION_RETENTION, Serdes.String()),
                store(StoreNames.SIGNAL_SUBJECTS, Serdes.String())), Duration.ofDays(1), 2);
        restarted.rebuild(entry -> seen.add(entry.getSignalId() + ":" + entry.getCommands().get(0).getStatus()));

        assertThat(seen).containsExactly("signal-1:APPLIED", "signal-2:null", "signal-3:APPLIED");
        assertThat(restarted.overdue(NOW.plusSeconds(7200), 10)).extracting(SignalPropagation::getSignalId)
                .containsExactly("signal-2");
        assertThat(restarted.retentionDue(NOW.plus(Duration.ofDays(2)), 10)).extracting(SignalPropagation::getSignalId)
                .containsExactly("signal-1", "signal-3");
    }

    @Test
    void shouldForgetAPurgedEntry() {
        SignalPropagation opened = entry("subject-1", "signal-1", "mailer");
        ledger.open(opened);

        ledger.purge(opened);

        assertThat(ledger.get("subject-1", "signal-1")).isNull();
        assertThat(entries.approximateNumEntries()).isZero();
        assertThat(answers.approximateNumEntries()).isZero();
    }

    private static SignalPropagation entry(String subjectId, String signalId, String... vendors) {
        List<PendingCommand> commands = Arrays.stream(vendors).map(vendor -> AuditRecords.pendingOf(
                PropagationCommand.newBuilder().setCommandId(UUID.randomUUID())
                        .setSignalId(UUID.randomUUID()).setSubjectId(subjectId).setVendorId(vendor)
                        .setAction(CommandAction.SUPPRESS).setPurposes(List.of("advertising"))
                        .setIdentifiers(List.of()).setReason("opt_out").setRegion("US-CA")
                        .setPolicyVersion("2026-11-01").setSignalReceivedAt(NOW).setIssuedAt(NOW)
                        .setDeadline(NOW.plusSeconds(3600)).build(),
                NOW)).toList();
        return AuditRecords.propagationOf(subjectId, signalId, null, commands, NOW);
    }

    /** The entry as the stores hold it: as decided, with its answers laid over. */
    private SignalPropagation stored(String subjectId, String signalId) {
        return PropagationLedger.read(entries, answers, PropagationLedger.key(subjectId, signalId));
    }

    private static <V> KeyValueStore<String, V> store(String name, Serde<V> serde) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), serde).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
