package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.consentrelay.avro.AckRecords;
import dev.consentrelay.avro.AuditRecords;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.schema.SlaBreach;

/**
 * Matches the connectors' acknowledgements ({@link Outbound.AckReceived}, keyed by subject id) to the signal entries
 * the subject's decisions opened in the same task ({@link Outbound.Opened}, stored in the {@link PropagationLedger});
 * the command was written in the transaction that stored its entry, so its acknowledgement always finds it. Output:
 * one {@link Outbound.Receipt} per signal once every command
 * has a final acknowledgement, one {@link Outbound.Breach} per command past its deadline without one, and the audit
 * records of each. A wall-clock punctuator finds breaches through the deadline index, purges entries past their
 * retention and reports the pending gauges; another rebuilds the indexes and gauges after the task starts.
 */
public final class TrackPropagationProcessor implements Processor<String, Outbound, String, Outbound> {

    private static final Logger LOG = LoggerFactory.getLogger(TrackPropagationProcessor.class);
    /**
     * Entries the index rebuild reads per step: a few milliseconds of the stream thread, which processes records
     * between two steps.
     */
    static final int REBUILD_STEP = 1_000;
    private static final Duration REBUILD_INTERVAL = Duration.ofMillis(10);

    private final Duration checkInterval;
    private final Duration retention;
    private final int batch;
    private final ConsentMetrics metrics;
    private final int rebuildStep;
    private final CommitPacer pacer;

    private Cancellable rebuildSchedule;
    private ProcessorContext<String, Outbound> context;
    private PropagationLedger ledger;
    private PendingGauge gauge;
    private String owner;

    public TrackPropagationProcessor(Duration checkInterval, Duration retention, int batch, ConsentMetrics metrics) {
        this(checkInterval, retention, batch, metrics, CommitPacer.OFF);
    }

    /**
     * @param pacer told of each acknowledgement, to commit a caught-up service's receipts promptly; its punctuator
     *            runs in this processor's task
     */
    public TrackPropagationProcessor(Duration checkInterval, Duration retention, int batch, ConsentMetrics metrics,
            CommitPacer pacer) {
        this(checkInterval, retention, batch, metrics, pacer, REBUILD_STEP);
    }

    /** A processor whose index rebuild reads {@code rebuildStep} entries per step. */
    TrackPropagationProcessor(Duration checkInterval, Duration retention, int batch, ConsentMetrics metrics,
            CommitPacer pacer, int rebuildStep) {
        this.pacer = pacer;
        this.checkInterval = checkInterval;
        this.retention = retention;
        this.batch = batch;
        this.metrics = metrics;
        this.rebuildStep = rebuildStep;
    }

    @Override
    public void init(ProcessorContext<String, Outbound> context) {
        this.context = context;
        this.ledger = ledger(context, retention);
        this.owner = context.applicationId() + "/" + context.taskId();
        this.gauge = new PendingGauge();
        // The indexes have no changelog: they are rebuilt from the entries, a step at a time between records, so a
        // restored task decides signals at once rather than after reading every entry it tracks.
        ledger.startRebuild();
        long started = System.nanoTime();
        rebuildSchedule = context.schedule(REBUILD_INTERVAL, PunctuationType.WALL_CLOCK_TIME, timestamp -> {
            if (ledger.rebuildStep(rebuildStep, this::countPending)) {
                rebuildSchedule.cancel();
                LOG.info("Task {}: propagation indexes rebuilt from {} tracked signal(s) in {} ms", context.taskId(),
                        ledger.rebuildRead(), (System.nanoTime() - started) / 1_000_000);
            }
        });
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME,
                timestamp -> punctuate(Instant.ofEpochMilli(timestamp)));
        pacer.schedule(context);
    }

    /** Counts the commands of an entry still waiting for an answer in the pending gauges. */
    private void countPending(SignalPropagation entry) {
        entry.getCommands().stream().filter(c -> c.getStatus() == null)
                .forEach(c -> gauge.add(c.getVendorId(), c.getSignalReceivedAt()));
    }

    /** The ledger over the task's propagation stores. */
    private static PropagationLedger ledger(ProcessorContext<?, ?> context, Duration retention) {
        return new PropagationLedger(new PropagationLedger.Stores(context.getStateStore(StoreNames.SIGNAL_PROPAGATION),
                context.getStateStore(StoreNames.PROPAGATION_ANSWERS),
                context.getStateStore(StoreNames.PROPAGATION_DEADLINES),
                context.getStateStore(StoreNames.PROPAGATION_RETENTION),
                context.getStateStore(StoreNames.SIGNAL_SUBJECTS)), retention);
    }

    @Override
    public void close() {
        if (metrics != null && owner != null) {
            metrics.pendingReleased(owner);
        }
    }

    @Override
    public void process(Record<String, Outbound> record) {
        if (record.value() instanceof Outbound.Opened opened) {
            open(opened.entry(), opened.mayBeTracked());
        } else if (record.value() instanceof Outbound.AckReceived received && received.ack() != null) {
            pacer.processed(context, record.timestamp());
            for (CommandAck ack : AckRecords.each(received.ack())) {
                acknowledge(record.key(), ack, record.timestamp());
            }
        }
        ledger.write();
    }

    /**
     * Stores a signal's new entry; a signal id already tracked for the subject keeps its first entry. Looked for only
     * where the subject may track the id already: a miss is a read of the store on disk.
     */
    private void open(SignalPropagation entry, boolean mayBeTracked) {
        if (mayBeTracked && ledger.get(entry.getSubjectId(), entry.getSignalId()) != null) {
            return;
        }
        ledger.open(entry);
        if (ledger.indexed(PropagationLedger.key(entry.getSubjectId(), entry.getSignalId()))) {
            countPending(entry);
        }
    }

    private void acknowledge(String subjectId, CommandAck ack, long timestamp) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        UUID commandId = ack.getCommandId();
        if (subjectId == null) {
            unmatched(ack, null, null, "Acknowledgement of command " + commandId + " has no key: acknowledgements"
                    + " are keyed by the command's subject id", timestamp, now);
            return;
        }
        SignalPropagation entry = ack.getSignalId() == null
                ? ledger.findByCommand(subjectId, commandId).orElse(null)
                : ledger.get(subjectId, ack.getSignalId().toString());
        Optional<PendingCommand> command = entry == null
                ? Optional.empty()
                : entry.getCommands().stream().filter(c -> c.getCommandId().equals(commandId)).findFirst();
        if (command.isEmpty()) {
            unmatched(ack, subjectId, ack.getSignalId() == null ? null : ack.getSignalId().toString(),
                    "No tracked command " + commandId + " for this subject"
                            + (ack.getSignalId() == null ? "" : " and signal " + ack.getSignalId())
                            + ": acknowledged after its retention, keyed by something other than the subject id,"
                            + " or issued by another deployment",
                    timestamp, now);
            return;
        }
        apply(entry, command.get(), ack, timestamp, now);
    }

    /** Applies an acknowledgement to its command's place in the signal's entry. */
    private void apply(SignalPropagation entry, PendingCommand command, CommandAck ack, long timestamp,
            Instant now) {
        String subjectId = entry.getSubjectId();
        if (!command.getVendorId().equals(ack.getVendorId())) {
            unmatched(ack, subjectId, entry.getSignalId(), "Command " + ack.getCommandId() + " was issued to "
                    + command.getVendorId() + ", not to " + ack.getVendorId(), timestamp, now);
            return;
        }
        if (command.getStatus() != null) {
            forward(subjectId, new Outbound.Audit(AuditRecords.ackAudit(ack, command, true, now)), timestamp);
            return;
        }
        if (ack.getStatus() == null || ack.getStatus() == AckStatus.UNKNOWN) {
            // A status this build does not know cannot be judged final: keep waiting, but keep the proof.
            CommandAck noted = CommandAck.newBuilder(ack)
                    .setDetail("Status unknown to this version; the command stays pending"
                            + (ack.getDetail() == null ? "" : "; vendor detail: " + ack.getDetail()))
                    .build();
            forward(subjectId, new Outbound.Audit(AuditRecords.ackAudit(noted, command, false, now)), timestamp);
            return;
        }
        ledger.update(entry, changed -> {
            command.setStatus(ack.getStatus());
            command.setAttempts(ack.getAttempts());
            command.setAppliedAt(ack.getAppliedAt());
            command.setDetail(ack.getDetail());
            command.setUpdatedAt(now);
            changed.setUpdatedAt(now);
        });
        if (ledger.indexed(PropagationLedger.key(subjectId, entry.getSignalId()))) {
            gauge.remove(command.getVendorId(), command.getSignalReceivedAt());
        }
        metrics.ackReceived(command.getVendorId(), ack.getStatus().name());
        metrics.propagated(command.getVendorId(), command.getAction().name(), AuditRecords.latency(command));
        List<PendingCommand> commands = entry.getCommands();
        if (commands.stream().allMatch(c -> c.getStatus() != null)) {
            PropagationReceipt receipt = AuditRecords.receiptOf(commands);
            LOG.debug("Signal {} propagated to {} vendor(s)", entry.getSignalId(), commands.size());
            forward(subjectId, new Outbound.Receipt(receipt), timestamp);
            forward(subjectId, new Outbound.Audit(AuditRecords.receiptAudit(receipt, commands, now)), timestamp);
        } else if (commands.stream().anyMatch(PendingCommand::getBreached)) {
            // The usual proof of an acknowledgement is its signal's receipt event, which lists every vendor's answer.
            // Once the signal has breached, its receipt may never come: record this answer on its own.
            forward(subjectId, new Outbound.Audit(AuditRecords.ackAudit(ack, command, false, now)), timestamp);
        }
    }

    private void unmatched(CommandAck ack, String subjectId, String signalId, String reason, long timestamp,
            Instant now) {
        LOG.warn("Unmatched acknowledgement from {}: {}", ack.getVendorId(), reason);
        var event = AuditRecords.unmatchedAckAudit(ack, signalId, reason, now);
        event.setSubjectId(subjectId);
        forward(subjectId, new Outbound.Audit(event), timestamp);
    }

    /** Breaches, purges and gauges, on the wall clock. */
    void punctuate(Instant now) {
        reportBreaches(now);
        ledger.write();
        purge(now);
        metrics.pendingCommands(owner, gauge.snapshot(now));
    }

    private void reportBreaches(Instant now) {
        for (SignalPropagation entry : ledger.overdue(now, batch)) {
            List<PendingCommand> breached = entry.getCommands().stream()
                    .filter(command -> PropagationLedger.waiting(command) && !command.getDeadline().isAfter(now))
                    .toList();
            if (breached.isEmpty()) {
                continue;
            }
            // A signal that never completes must not stay forever: it is purged a retention after its breach.
            ledger.update(entry, changed -> {
                breached.forEach(command -> {
                    command.setBreached(true);
                    command.setUpdatedAt(now);
                });
                changed.setUpdatedAt(now);
            });
            String subjectId = entry.getSubjectId();
            for (PendingCommand command : breached) {
                SlaBreach breach = AuditRecords.breachOf(command, now);
                LOG.warn("SLA breach: command {} to {} is {} ms past its deadline", command.getCommandId(),
                        command.getVendorId(), breach.getOverdueMillis());
                metrics.slaBreach(command.getVendorId(), command.getAction().name());
                forward(subjectId, new Outbound.Breach(breach), now.toEpochMilli());
                forward(subjectId, new Outbound.Audit(AuditRecords.breachAudit(breach, entry.getCommands(), now)),
                        now.toEpochMilli());
            }
        }
    }

    /** Deletes the entries past their retention (a late answer after a breach moved it on when it came). */
    private void purge(Instant now) {
        for (SignalPropagation entry : ledger.retentionDue(now, batch)) {
            if (ledger.indexed(PropagationLedger.key(entry.getSubjectId(), entry.getSignalId()))) {
                entry.getCommands().stream().filter(c -> c.getStatus() == null)
                        .forEach(c -> gauge.remove(c.getVendorId(), c.getSignalReceivedAt()));
            }
            ledger.purge(entry);
            LOG.debug("Propagation entry of signal {} purged after retention", entry.getSignalId());
        }
    }

    private void forward(String key, Outbound value, long timestamp) {
        context.forward(new Record<String, Outbound>(key, value, timestamp));
    }
}
