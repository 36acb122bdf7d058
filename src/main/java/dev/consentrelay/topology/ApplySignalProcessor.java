package dev.consentrelay.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.consentrelay.avro.AuditRecords;
import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.Decision;
import dev.consentrelay.domain.NameUuids;
import dev.consentrelay.domain.PolicyEngine;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.SignalKind;
import dev.consentrelay.schema.SubjectConsentState;

/**
 * Applies one signal to its subject's row of the consent table: de-duplicates by signal id (the ids recently
 * applied are kept in the row, see {@link RecentSignals}), asks the policy engine for the decision, stores the new
 * row, and emits the row, the commands for each vendor and the audit records. A
 * wall-clock punctuator applies grant expiries found through the expiry index.
 */
public final class ApplySignalProcessor implements Processor<String, ConsentSignal, String, Outbound> {

    private static final Logger LOG = LoggerFactory.getLogger(ApplySignalProcessor.class);

    private final PolicyEngine engine;
    private final VendorDirectory vendors;
    private final Duration dedupWindow;
    private final Duration expiryInterval;
    private final int expiryBatch;
    private final CommitPacer pacer;
    private final Serializer<ConsentSignal> signalSerializer;
    private final String signalsTopic;
    private final ConsentMetrics metrics;
    private final OutputCheck outputCheck;

    private ProcessorContext<String, Outbound> context;
    private KeyValueStore<String, ConsentRow> table;
    private GrantExpiryIndex expiryIndex;

    /**
     * How long signal ids are remembered, and how grant expiries are swept.
     *
     * @param dedupWindow how long a subject's row remembers the ids of the signals applied to it
     * @param expiryInterval how often (wall clock) grants whose time is up are looked for
     * @param expiryBatch how many expiries one sweep applies at most
     * @param pacer told of each signal, to commit a caught-up service's decisions promptly
     */
    public record Timing(Duration dedupWindow, Duration expiryInterval, int expiryBatch, CommitPacer pacer) {

        /** Timing whose decisions are committed at the commit interval. */
        public Timing(Duration dedupWindow, Duration expiryInterval, int expiryBatch) {
            this(dedupWindow, expiryInterval, expiryBatch, CommitPacer.OFF);
        }
    }

    public ApplySignalProcessor(PolicyEngine engine, VendorDirectory vendors, Timing timing,
            Serializer<ConsentSignal> signalSerializer, String signalsTopic, ConsentMetrics metrics) {
        this(engine, vendors, timing, signalSerializer, signalsTopic, metrics, OutputCheck.NONE);
    }

    /**
     * @param outputCheck checked against every record a decision would emit; a refusal dead-letters the signal
     *            and leaves the subject's state untouched, since under exactly-once an output the broker refuses
     *            would abort the transaction over and over
     */
    public ApplySignalProcessor(PolicyEngine engine, VendorDirectory vendors, Timing timing,
            Serializer<ConsentSignal> signalSerializer, String signalsTopic, ConsentMetrics metrics,
            OutputCheck outputCheck) {
        this.outputCheck = outputCheck;
        this.engine = engine;
        this.vendors = vendors;
        this.dedupWindow = timing.dedupWindow();
        this.expiryInterval = timing.expiryInterval();
        this.expiryBatch = timing.expiryBatch();
        this.pacer = timing.pacer();
        this.signalSerializer = signalSerializer;
        this.signalsTopic = signalsTopic;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Outbound> context) {
        this.context = context;
        this.table = context.getStateStore(StoreNames.CONSENT_TABLE);
        this.expiryIndex = new GrantExpiryIndex(context.getStateStore(StoreNames.GRANT_EXPIRY_INDEX));
        context.schedule(expiryInterval, PunctuationType.WALL_CLOCK_TIME,
                timestamp -> expireGrants(Instant.ofEpochMilli(timestamp)));
    }

    @Override
    public void process(Record<String, ConsentSignal> record) {
        pacer.processed(context, record.timestamp());
        ConsentSignal signal = record.value();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        ConsentRow stored = UnreadableStateException.read(StoreNames.CONSENT_TABLE, record.key(),
                () -> table.get(record.key()));
        if (RecentSignals.seen(stored, signal.getSignalId().toString(), now, dedupWindow)) {
            metrics.decision("DUPLICATE");
            context.forward(record.withValue(new Outbound.Audit(AuditRecords.duplicateAudit(signal, now))));
            return;
        }
        SubjectConsent before = stored == null || stored.getState() == null
                ? null
                : AvroMapper.toDomain(stored.getState());
        if (signal.getKind() == SignalKind.GPC && before != null && before.isGpcActive()) {
            // GPC is already active for the subject: a browser sends it on every request, and it can deny nothing
            // more. Decided as a no-op that writes nothing beyond its input record.
            metrics.decision("GPC_ALREADY_ACTIVE");
            return;
        }
        Decision decision;
        try {
            // decode-signal validated it against the same policy on its way in.
            decision = engine.decideValidated(before, AvroMapper.toDomain(signal), vendors.all(), now);
        } catch (RuntimeException e) {
            // A rule that cannot be evaluated for this record must not stop the pipeline: park the record.
            LOG.error("Cannot decide signal {} for a subject; sent to the dead-letter topic", signal.getSignalId(),
                    e);
            metrics.deadLetter("processing");
            deadLetter(record, "Processing failed: " + e.getMessage(), e.getClass().getName(), now);
            return;
        }
        Outputs outputs = outputs(record.key(), before, decision, signal, now);
        if (outputs.refusal() != null) {
            String refusal = outputs.refusal();
            LOG.warn("Signal {} sent to the dead-letter topic: {}", signal.getSignalId(), refusal);
            metrics.deadLetter("output-too-large");
            deadLetter(record, refusal, "org.apache.kafka.common.errors.RecordTooLargeException", now);
            AuditEvent rejection = AuditRecords.rejectionAudit(signal, refusal, decision.policyVersion(), now,
                    engine.hasher());
            if (!outputCheck.check(record.key(), new Outbound.Audit(rejection)).ok()) {
                rejection = AuditRecords.rejectionAudit(null, refusal, decision.policyVersion(), now, engine.hasher());
                rejection.setSubjectId(record.key());
                rejection.setSignalId(signal.getSignalId());
            }
            if (stored != null && !stored.getIdsForgotten()) {
                // The entry opened below is for an id the row does not remember: the row must no longer vouch that
                // an id it does not list is untracked. The state stays as it was.
                table.put(record.key(), new ConsentRow(stored.getState(), stored.getRecentSignals(), stored.getLinks(),
                        true));
            }
            open(record.key(), signal.getSignalId().toString(), rejection, List.of(), true, now);
            context.forward(new Record<String, Outbound>(record.key(), new Outbound.Audit(rejection),
                    record.timestamp()));
            return;
        }
        LOG.debug("Signal {} ({}): {} with {} command(s)", signal.getSignalId(), signal.getKind(), decision.outcome(),
                decision.commands().size());
        List<String> links = Links.of(stored);
        boolean linking = signal.getKind() == SignalKind.LINK && decision.outcome() != Decision.Outcome.REJECTED;
        if (linking) {
            links = Links.with(links, signal.getLinkedSubjectId());
        }
        emit(record.key(), rowAfter(stored, outputs, signal.getSignalId().toString(), links, now), before, decision,
                outputs, record.timestamp(), now);
        metrics.decision(decision.outcome().name());
        countChoices(decision, signal.getKind() == SignalKind.GPC ? "gpc" : null, signal.getSource().name());
        open(record.key(), signal.getSignalId().toString(), ((Outbound.Audit) outputs.decisionAudit()).event(),
                outputs.commands().stream().map(c -> ((Outbound.CommandIssued) c).command()).toList(),
                RecentSignals.mayBeTracked(stored, signal.getSignalId().toString()), now);
        context.forward(new Record<String, Outbound>(record.key(), outputs.decisionAudit(), record.timestamp()));
        for (ConsentSignal linked : Links.crossing(record.key(), signal, decision, links, engine.policy())) {
            context.forward(new Record<String, Outbound>(linked.getSubjectId(), new Outbound.Linked(linked),
                    record.timestamp()));
        }
    }

    /**
     * Opens the signal's propagation entry: handed to propagation tracking in this task, it is stored in the
     * transaction that writes the decision and its commands, so an acknowledgement, which can only follow its
     * command, always finds it.
     *
     * @param mayBeTracked whether the subject may already track {@code signalId}; when not, tracking opens the entry
     *            without looking for one
     */
    private void open(String subjectId, String signalId, AuditEvent decision, List<PropagationCommand> commands,
            boolean mayBeTracked, Instant now) {
        context.forward(new Record<String, Outbound>(subjectId, new Outbound.Opened(AuditRecords.propagationOf(
                subjectId, signalId, AuditRecords.trackedDecision(decision),
                commands.stream().map(c -> AuditRecords.pendingOf(c, now)).toList(),
                now), mayBeTracked), now.toEpochMilli()));
    }

    /**
     * The records a decision writes, each built and checked once (and, in the topology, serialized once): the new
     * row if it changed, the commands and the decision's audit event.
     *
     * @param state the new row's output, {@code null} when the row is unchanged
     * @param refusal why the outputs cannot all be written, {@code null} when they can
     */
    private record Outputs(Outbound.StateChange state, List<Outbound> commands, Outbound decisionAudit,
            String refusal) {
        static Outputs refused(String refusal) {
            return new Outputs(null, List.of(), null, refusal);
        }
    }

    private Outputs outputs(String subjectId, SubjectConsent before, Decision decision, ConsentSignal signal,
            Instant now) {
        SubjectConsent after = decision.stateAfter();
        Outbound.StateChange state = null;
        if (after != null && !Objects.equals(after, before)) {
            OutputCheck.Checked checked = outputCheck.check(subjectId,
                    new Outbound.StateChange(AvroMapper.toAvro(after)));
            if (!checked.ok()) {
                return Outputs.refused(checked.refusal());
            }
            state = (Outbound.StateChange) checked.output();
        }
        List<Outbound> commands = new ArrayList<>(decision.commands().size());
        for (Command command : decision.commands()) {
            OutputCheck.Checked checked = outputCheck.check(subjectId,
                    new Outbound.CommandIssued(AvroMapper.toAvro(command)));
            if (!checked.ok()) {
                return Outputs.refused(checked.refusal());
            }
            commands.add(checked.output());
        }
        OutputCheck.Checked audit = outputCheck.check(subjectId,
                new Outbound.Audit(AuditRecords.decisionAudit(signal, decision, now, engine.hasher())));
        if (!audit.ok()) {
            return Outputs.refused(audit.refusal());
        }
        return new Outputs(state, commands, audit.output(), null);
    }

    private void deadLetter(Record<String, ConsentSignal> record, String reason, String errorClass, Instant now) {
        Outbound.DeadLetter letter = DeadLetters.of(
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                signalSerializer.serialize(signalsTopic, record.value()), record.headers(),
                context.recordMetadata().orElse(null), reason, errorClass, now);
        context.forward(new Record<String, Outbound>(record.key(), letter, record.timestamp(), letter.headers()));
    }

    /** The row after a decision: its state, if changed, the signal id remembered, and the subject's links. */
    private ConsentRow rowAfter(ConsentRow stored, Outputs outputs, String signalId, List<String> links, Instant now) {
        SubjectConsentState state = outputs.state() != null
                ? outputs.state().state()
                : stored == null ? null : stored.getState();
        RecentSignals.Remembered remembered = RecentSignals.remember(stored, signalId, now, dedupWindow);
        return new ConsentRow(state, remembered.ids(), new ArrayList<>(links), remembered.forgotten());
    }

    /** Writes the row (state and signal id in the same write) and emits the outputs. */
    private void emit(String subjectId, ConsentRow row, SubjectConsent before, Decision decision, Outputs outputs,
            long timestamp, Instant now) {
        table.put(subjectId, row);
        if (outputs.state() != null) {
            expiryIndex.update(subjectId, nextExpiry(before), engine.nextExpiry(decision.stateAfter()));
            context.forward(new Record<String, Outbound>(subjectId, outputs.state(), timestamp));
        }
        for (int i = 0; i < decision.commands().size(); i++) {
            Command command = decision.commands().get(i);
            // The decision's audit event lists its commands: no audit record per command.
            context.forward(new Record<String, Outbound>(subjectId, outputs.commands().get(i), timestamp));
            metrics.commandIssued(command.vendorId(), command.action().name(),
                    Duration.between(command.signalReceivedAt(), now));
        }
    }

    /** One count per purpose whose recorded choice the decision changed ({@code as}: the choice for all of them). */
    private void countChoices(Decision decision, String as, String source) {
        if (decision.outcome() != Decision.Outcome.APPLIED) {
            return;
        }
        String region = engine.policy().regionLabel(decision.stateAfter().region());
        for (Decision.Change change : decision.changes()) {
            if (change.statusAfter() == change.statusBefore() && as == null) {
                continue;
            }
            String choice = as != null ? as : switch (change.statusAfter()) {
                case GRANTED -> "granted";
                case DENIED -> "refused";
                case WITHDRAWN -> "withdrawn";
                default -> null;
            };
            if (choice != null) {
                metrics.choice(change.purpose(), region, source, choice);
            }
        }
    }

    private Optional<Instant> nextExpiry(SubjectConsent state) {
        return state == null ? Optional.empty() : engine.nextExpiry(state);
    }

    /** Applies every grant expiry due by {@code now}, a bounded batch per tick. */
    void expireGrants(Instant now) {
        for (GrantExpiryIndex.Due due : expiryIndex.due(now, expiryBatch)) {
            expiryIndex.remove(due);
            ConsentRow stored = UnreadableStateException.read(StoreNames.CONSENT_TABLE, due.subjectId(),
                    () -> table.get(due.subjectId()));
            if (stored == null || stored.getState() == null) {
                continue;
            }
            SubjectConsent before = AvroMapper.toDomain(stored.getState());
            Decision decision = engine.expire(before, vendors.all(), now);
            countChoices(decision, "expired", "SERVICE");
            SubjectConsent after = decision.stateAfter();
            if (after != null && !Objects.equals(after, before)) {
                SubjectConsentState row = AvroMapper.toAvro(after);
                table.put(due.subjectId(), new ConsentRow(row, stored.getRecentSignals(), stored.getLinks(),
                        stored.getIdsForgotten()));
                engine.nextExpiry(after).ifPresent(at -> expiryIndex.update(due.subjectId(), Optional.empty(),
                        Optional.of(at)));
                context.forward(new Record<String, Outbound>(due.subjectId(), new Outbound.StateChange(row),
                        now.toEpochMilli()));
            }
            List<PropagationCommand> commands = new ArrayList<>(decision.commands().size());
            for (Command command : decision.commands()) {
                PropagationCommand issued = AvroMapper.toAvro(command);
                commands.add(issued);
                context.forward(new Record<String, Outbound>(due.subjectId(), new Outbound.CommandIssued(issued),
                        now.toEpochMilli()));
                metrics.commandIssued(command.vendorId(), command.action().name(), Duration.ZERO);
            }
            String expiryId = decision.commands().isEmpty()
                    ? NameUuids.of("expiry|" + GrantExpiryIndex.key(due.at(), due.subjectId()))
                    : decision.commands().get(0).signalId();
            AuditEvent expiry = AuditRecords.expiryAudit(due.subjectId(), expiryId, decision, now);
            open(due.subjectId(), expiryId, expiry, commands, true, now);
            context.forward(new Record<String, Outbound>(due.subjectId(), new Outbound.Audit(expiry),
                    now.toEpochMilli()));
        }
    }
}
