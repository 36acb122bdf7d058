package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
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
import dev.consentrelay.schema.PendingCommand;
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
    private KeyValueStore<String, SignalPropagation> entries;
    private KeyValueStore<String, String> deadlines;
    private PropagationLedger ledger;

    @BeforeEach
    void setUp() {
        Serde<SignalPropagation> serde = CountingSerde.counting(AvroSerde.forClass(SignalPropagation.class,
                new InMemorySchemaRegistryClient("mem://ledger-test"), false), writes);
        entries = store(StoreNames.SIGNAL_PROPAGATION, serde);
        deadlines = store(StoreNames.PROPAGATION_DEADLINES, Serdes.String());
        ledger = new PropagationLedger(new PropagationLedger.Stores(entries, deadlines,
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

        assertThat(entries.get(PropagationLedger.key("subject-1", "signal-1")).getCommands())
                .extracting(PendingCommand::getStatus).containsExactly(AckStatus.APPLIED, AckStatus.NOT_FOUND);
        assertThat(deadlines.approximateNumEntries())
                .as("signal-1 waits for nothing more: only the others have a deadline").isEqualTo(2);
        assertThat(ledger.overdue(NOW.plusSeconds(7200), 10)).extracting(SignalPropagation::getSignalId)
                .containsExactly("signal-2", "signal-3");
    }

    @Test
    void shouldWriteAnEntryChangedSeveralTimesOnceAndAnswerWithItsChangesMeanwhile() {
        ledger.open(entry("subject-1", "signal-1", "mailer", "ads"));
        int opened = writes.get();
        SignalPropagation held = ledger.get("subject-1", "signal-1");
        ledger.update(held, entry -> entry.getCommands().get(0).setStatus(AckStatus.APPLIED));
        // Two other entries read meanwhile push signal-1 out of the two held, but not its unwritten change.
        ledger.open(entry("subject-2", "signal-2", "mailer"));
        ledger.open(entry("subject-3", "signal-3", "mailer"));
        SignalPropagation again = ledger.get("subject-1", "signal-1");
        assertThat(again).isSameAs(held);
        ledger.update(again, entry -> entry.getCommands().get(1).setStatus(AckStatus.APPLIED));

        assertThat(entries.get(PropagationLedger.key("subject-1", "signal-1")).getCommands())
                .as("nothing written before the record is applied").extracting(PendingCommand::getStatus)
                .containsOnlyNulls();
        ledger.write();

        assertThat(writes.get() - opened).as("the two opened, then signal-1 once").isEqualTo(3);
        assertThat(entries.get(PropagationLedger.key("subject-1", "signal-1")).getCommands())
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
        assertThat(entries.get(PropagationLedger.key("subject-1", "signal-1")).getCommands().get(0).getStatus())
                .isEqualTo(AckStatus.APPLIED);
    }

    @Test
    void shouldForgetAPurgedEntry() {
        SignalPropagation opened = entry("subject-1", "signal-1", "mailer");
        ledger.open(opened);

        ledger.purge(opened);

        assertThat(ledger.get("subject-1", "signal-1")).isNull();
        assertThat(entries.approximateNumEntries()).isZero();
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

    private static <V> KeyValueStore<String, V> store(String name, Serde<V> serde) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), serde).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
