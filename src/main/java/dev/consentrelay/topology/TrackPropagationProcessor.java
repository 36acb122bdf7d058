package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PropagationReceipt;
import dev.consentrelay.schema.SlaBreach;

/**
 * Tracks each issued command until its vendor's final acknowledgement. Input, keyed by signal id: the commands
 * ({@link Outbound.CommandTracked}), the connectors' acknowledgements ({@link Outbound.AckReceived}) and the
 * decisions on the signals ({@link Outbound.DecisionTracked}, kept in {@link StoreNames#SIGNAL_DECISIONS}). Output: one
 * {@link Outbound.Receipt} per signal once every command has a final acknowledgement, one {@link Outbound.Breach} per
 * command past its deadline without one, and the audit records of each. A wall-clock punctuator finds breaches
 * through the deadline index, purges signals past their retention and reports the pending gauges.
 * <p>
 * The acknowledgements topic can overtake the {@code commands-by-signal} repartition, so an acknowledgement whose
 * command is not tracked yet is parked ({@link EarlyAckPark}) and applied when the command arrives, exactly as if it
 * had come after it. One whose command does not arrive within the grace period is audited as unmatched and dropped.
 */
public final class TrackPropagationProcessor implements Processor<String, Outbound, String, Outbound> {

    private static final Logger LOG = LoggerFactory.getLogger(TrackPropagationProcessor.class);

    private final Duration checkInterval;
    private final Duration retention;
    private final Duration earlyAckGrace;
    private final int batch;
    private final ConsentMetrics metrics;

    private ProcessorContext<String, Outbound> context;
    private PropagationLedger ledger;
    private EarlyAckPark early;
    private PendingGauge gauge;
    private KeyValueStore<String, AuditEvent> decisions;
    private String owner;

    public TrackPropagationProcessor(Duration checkInterval, Duration retention, Duration earlyAckGrace, int batch,
            ConsentMetrics metrics) {
        this.checkInterval = checkInterval;
        this.retention = retention;
        this.earlyAckGrace = earlyAckGrace;
        this.batch = batch;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Outbound> context) {
        this.context = context;
        this.ledger = new PropagationLedger(context.getStateStore(StoreNames.PENDING_COMMANDS),
                context.getStateStore(StoreNames.PENDING_DEADLINES),
                context.getStateStore(StoreNames.PROPAGATION_RETENTION));
        this.early = new EarlyAckPark(context.getStateStore(StoreNames.EARLY_ACKS),
                context.getStateStore(StoreNames.EARLY_ACK_INDEX));
        this.decisions = context.getStateStore(StoreNames.SIGNAL_DECISIONS);
        this.owner = context.applicationId() + "/" + context.taskId();
        this.gauge = new PendingGauge();
        // The deadline index has no changelog: whatever a previous run left in it is rebuilt from the entries.
        ledger.rebuildDeadlines(entry -> {
            if (entry.getStatus() == null) {
                gauge.add(entry.getVendorId(), entry.getSignalReceivedAt());
            }
        });
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME,
                timestamp -> punctuate(Instant.ofEpochMilli(timestamp)));
    }

    @Override
    public void process(Record<String, Outbound> record) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        if (record.value() instanceof Outbound.CommandTracked tracked) {
            track(tracked.command(), record.timestamp(), now);
        } else if (record.value() instanceof Outbound.AckReceived received) {
            acknowledge(record.key(), received.ack(), record.timestamp(), now);
        } else if (record.value() instanceof Outbound.DecisionTracked decided) {
            decide(record.key(), decided.decision(), now);
        }
    }

    /**
     * Keeps the first decision on a signal (a signal id is decided once; what comes again is a duplicate) for as long
     * as the signal's tracking entries, or the retention when it caused no command.
     */
    private void decide(String signalId, AuditEvent decision, Instant now) {
        if (signalId == null || decisions.get(signalId) != null) {
            return;
        }
        decisions.put(signalId, decision);
        ledger.retainUntil(signalId, now.plus(retention));
    }

    @Override
    public void close() {
        if (metrics != null && owner != null) {
            metrics.pendingReleased(owner);
        }
    }

    private void track(PropagationCommand command, long timestamp, Instant now) {
        String signalId = command.getSignalId().toString();
        String commandId = command.getCommandId().toString();
        if (ledger.get(signalId, commandId) != null) {
            LOG.debug("Command {} already tracked", command.getCommandId());
            return;
        }
        PendingCommand entry = AvroMapper.pendingOf(command, now);
        ledger.put(entry);
        gauge.add(entry.getVendorId(), entry.getSignalReceivedAt());
        for (CommandAck ack : early.take(signalId, commandId)) {
            LOG.debug("Applying acknowledgement of command {} that arrived before it", commandId);
            apply(signalId, ack, ledger.get(signalId, commandId), timestamp, now);
        }
    }

    private void acknowledge(String key, CommandAck ack, long timestamp, Instant now) {
        String signalId = key != null ? key : ack.getSignalId() == null ? null : ack.getSignalId().toString();
        if (signalId == null) {
            unmatched(ack, null, "Acknowledgement of command " + ack.getCommandId()
                    + " has neither a key nor a signal id", timestamp, now);
            return;
        }
        PendingCommand entry = ledger.get(signalId, ack.getCommandId().toString());
        if (entry == null) {
            // Most likely the command is still on its way through the repartition topic: wait for it.
            if (!early.park(signalId, ack, now)) {
                unmatched(ack, signalId, "No tracked command " + ack.getCommandId() + " for signal " + signalId
                        + " and already " + EarlyAckPark.MAX_PER_COMMAND + " acknowledgements waiting for it",
                        timestamp, now);
            }
            return;
        }
        apply(signalId, ack, entry, timestamp, now);
    }

    /** Applies an acknowledgement to the tracked entry of its command. */
    private void apply(String signalId, CommandAck ack, PendingCommand entry, long timestamp, Instant now) {
        if (!entry.getVendorId().equals(ack.getVendorId())) {
            unmatched(ack, signalId, "Command " + ack.getCommandId() + " was issued to " + entry.getVendorId()
                    + ", not to " + ack.getVendorId(), timestamp, now);
            return;
        }
        if (entry.getStatus() != null) {
            forward(signalId, new Outbound.Audit(AvroMapper.ackAudit(ack, entry, true, now)), timestamp);
            return;
        }
        if (ack.getStatus() == null || ack.getStatus() == AckStatus.UNKNOWN) {
            // A status this build does not know cannot be judged final: keep waiting, but keep the proof.
            CommandAck noted = CommandAck.newBuilder(ack)
                    .setDetail("Status unknown to this version; the command stays pending"
                            + (ack.getDetail() == null ? "" : "; vendor detail: " + ack.getDetail()))
                    .build();
            forward(signalId, new Outbound.Audit(AvroMapper.ackAudit(noted, entry, false, now)), timestamp);
            return;
        }
        entry.setStatus(ack.getStatus());
        entry.setAttempts(ack.getAttempts());
        entry.setAppliedAt(ack.getAppliedAt());
        entry.setDetail(ack.getDetail());
        entry.setUpdatedAt(now);
        ledger.put(entry);
        gauge.remove(entry.getVendorId(), entry.getSignalReceivedAt());
        metrics.ackReceived(entry.getVendorId(), ack.getStatus().name());
        metrics.propagated(entry.getVendorId(), entry.getAction().name(), AvroMapper.latency(entry));
        List<PendingCommand> entries = ledger.signal(signalId);
        if (entries.stream().allMatch(e -> e.getStatus() != null)) {
            complete(signalId, entries, timestamp, now);
        } else if (entries.stream().anyMatch(PendingCommand::getBreached)) {
            // The usual proof of an acknowledgement is its signal's receipt event, which lists every vendor's answer.
            // Once the signal has breached, its receipt may never come: record this answer on its own.
            forward(signalId, new Outbound.Audit(AvroMapper.ackAudit(ack, entry, false, now)), timestamp);
        }
    }

    /** The receipt of a signal every vendor has answered, and its audit event listing each answer. */
    private void complete(String signalId, List<PendingCommand> entries, long timestamp, Instant now) {
        PropagationReceipt receipt = AvroMapper.receiptOf(entries);
        LOG.debug("Signal {} propagated to {} vendor(s)", signalId, entries.size());
        forward(signalId, new Outbound.Receipt(receipt), timestamp);
        forward(signalId, new Outbound.Audit(AvroMapper.receiptAudit(receipt, entries, now)), timestamp);
        ledger.retainUntil(signalId, now.plus(retention));
    }

    private void unmatched(CommandAck ack, String signalId, String reason, long timestamp, Instant now) {
        LOG.warn("Unmatched acknowledgement from {}: {}", ack.getVendorId(), reason);
        forward(signalId, new Outbound.Audit(AvroMapper.unmatchedAckAudit(ack, signalId, reason, now)), timestamp);
    }

    /** Breaches, purges and gauges, on the wall clock. */
    void punctuate(Instant now) {
        expireEarlyAcks(now);
        reportBreaches(now);
        purge(now);
        metrics.pendingCommands(owner, gauge.snapshot(now));
    }

    /** Acknowledgements parked longer than the grace period: their command is not coming. */
    private void expireEarlyAcks(Instant now) {
        for (EarlyAckPark.Parked parked : early.expire(now.minus(earlyAckGrace), batch)) {
            for (CommandAck ack : parked.acks()) {
                unmatched(ack, parked.signalId(), "No tracked command " + parked.commandId() + " for signal "
                        + parked.signalId() + " within " + earlyAckGrace + " of the acknowledgement (parked at "
                        + parked.parkedAt() + "): acknowledged after its retention, keyed by something other than"
                        + " the signal id, or issued by another deployment", now.toEpochMilli(), now);
            }
        }
    }

    private void reportBreaches(Instant now) {
        for (PendingCommand entry : ledger.overdue(now, batch)) {
            if (entry.getStatus() != null || entry.getBreached()) {
                ledger.indexDeadline(entry); // drops the stale index entry
                continue;
            }
            entry.setBreached(true);
            entry.setUpdatedAt(now);
            ledger.put(entry);
            // A signal that never completes must not stay forever: it is purged a retention after its breach.
            ledger.retainUntil(entry.getSignalId().toString(), now.plus(retention));
            SlaBreach breach = AvroMapper.breachOf(entry, now);
            LOG.warn("SLA breach: command {} to {} is {} ms past its deadline", entry.getCommandId(),
                    entry.getVendorId(), breach.getOverdueMillis());
            metrics.slaBreach(entry.getVendorId(), entry.getAction().name());
            String signalId = entry.getSignalId().toString();
            forward(signalId, new Outbound.Breach(breach), now.toEpochMilli());
            forward(signalId, new Outbound.Audit(AvroMapper.breachAudit(breach, ledger.signal(signalId), now)),
                    now.toEpochMilli());
        }
    }

    /**
     * Deletes the entries of signals past their retention. A signal whose entries changed since (a late ack after a
     * breach) is rescheduled from its latest change; one with a command still before its deadline is left to the
     * breach, which schedules it again.
     */
    private void purge(Instant now) {
        for (String signalId : ledger.retentionDue(now, batch)) {
            List<PendingCommand> entries = ledger.signal(signalId);
            if (entries.stream().anyMatch(e -> e.getStatus() == null && !e.getBreached())) {
                continue;
            }
            Instant latest = entries.stream().map(PendingCommand::getUpdatedAt).max(Instant::compareTo)
                    .orElse(Instant.EPOCH);
            if (latest.plus(retention).isAfter(now)) {
                ledger.retainUntil(signalId, latest.plus(retention));
                continue;
            }
            entries.stream().filter(e -> e.getStatus() == null)
                    .forEach(e -> gauge.remove(e.getVendorId(), e.getSignalReceivedAt()));
            ledger.purge(signalId);
            decisions.delete(signalId);
            LOG.debug("Propagation entries of signal {} purged after retention", signalId);
        }
    }

    private void forward(String key, Outbound value, long timestamp) {
        context.forward(new Record<String, Outbound>(key, value, timestamp));
    }
}
