package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.consentrelay.avro.AuditRecords;
import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.BackfillPlanner;
import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.PolicyEngine;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.PropagationCommand;

/**
 * Backfills vendors: when a vendor appears, or gains purposes, it is sent a {@code SUPPRESS} for every subject of
 * this task's consent table currently denied one of the new purposes in a region it serves.
 *
 * <p>
 * Each wall-clock tick compares the vendor directory with the vendor scopes this task last saw (kept in
 * {@link StoreNames#VENDOR_BACKFILL}, so a restart neither loses a change nor repeats one), starts a job per change,
 * and walks the consent table in key order from each job's cursor, at most {@code batch} subjects per tick, so a
 * large table never stalls signal processing. Commands and their audit records go out through the normal command
 * path. The first time a task runs, the vendors it finds are taken as already known: they were there before any
 * subject. The processor hangs off the apply-signal stream only to share its task (and the consent table); the
 * records it receives from there are ignored.
 */
public final class BackfillVendorsProcessor implements Processor<String, Outbound, String, Outbound> {

    private static final Logger LOG = LoggerFactory.getLogger(BackfillVendorsProcessor.class);
    private static final String SEEN = "seen|";
    private static final String BASELINE = "baseline";

    private final PolicyEngine engine;
    private final VendorDirectory vendors;
    /** The vendor snapshot last compared with the seen scopes; {@code null} until the first tick of this task. */
    private Map<String, Vendor> checked;
    private final Duration interval;
    private final int batch;
    private final BackfillPlanner planner = new BackfillPlanner();

    private ProcessorContext<String, Outbound> context;
    private KeyValueStore<String, ConsentRow> table;
    private KeyValueStore<String, String> jobs;

    public BackfillVendorsProcessor(PolicyEngine engine, VendorDirectory vendors, Duration interval, int batch) {
        this.engine = engine;
        this.vendors = vendors;
        this.interval = interval;
        this.batch = batch;
    }

    @Override
    public void init(ProcessorContext<String, Outbound> context) {
        this.context = context;
        this.table = context.getStateStore(StoreNames.CONSENT_TABLE);
        this.jobs = context.getStateStore(StoreNames.VENDOR_BACKFILL);
        if (jobs.get(BASELINE) == null) {
            Collection<Vendor> known = vendors.all();
            known.forEach(vendor -> jobs.put(SEEN + vendor.vendorId(), scope(vendor, known)));
            jobs.put(BASELINE, String.valueOf(context.currentSystemTimeMs()));
        }
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, timestamp -> tick(Instant.ofEpochMilli(timestamp)));
    }

    @Override
    public void process(Record<String, Outbound> record) {
        // Only here to share the consent table's task; the work happens on the wall-clock tick.
    }

    /** Starts jobs for vendor changes, then advances the running jobs by one bounded batch. */
    void tick(Instant now) {
        detectChanges(now);
        int budget = batch;
        for (BackfillJob job : runningJobs()) {
            if (budget <= 0) {
                break;
            }
            budget -= advance(job, budget, now);
        }
    }

    private void detectChanges(Instant now) {
        Map<String, Vendor> snapshot = vendors.snapshot();
        if (snapshot == checked) {
            return; // nothing changed since the last tick
        }
        Collection<Vendor> all = snapshot.values();
        Set<String> present = new TreeSet<>();
        for (Vendor vendor : all) {
            present.add(vendor.vendorId());
            String current = scope(vendor, all);
            String seen = jobs.get(SEEN + vendor.vendorId());
            if (current.equals(seen)) {
                continue;
            }
            Set<String> gained = purposes(current);
            gained.removeAll(purposes(seen));
            jobs.put(SEEN + vendor.vendorId(), current);
            if (!gained.isEmpty()) {
                start(vendor.vendorId(), gained, now);
            }
        }
        // A vendor removed from the topic and added again later counts as new.
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, String> it = jobs.range(SEEN, SEEN + Character.MAX_VALUE)) {
            it.forEachRemaining(entry -> {
                if (entry.key.startsWith(SEEN) && !present.contains(entry.key.substring(SEEN.length()))) {
                    gone.add(entry.key);
                }
            });
        }
        gone.forEach(jobs::delete);
        checked = snapshot;
    }

    private void start(String vendorId, Set<String> gained, Instant now) {
        Set<String> purposes = new TreeSet<>(gained);
        String previous = jobs.get(BackfillJob.key(vendorId));
        if (previous != null) {
            BackfillJob running = BackfillJob.decode(previous);
            if (!running.done()) {
                // Still walking: restart from the beginning for the union, so no subject misses a purpose.
                purposes.addAll(running.purposes());
            }
        }
        String backfillId = BackfillPlanner.backfillId(vendorId, purposes, String.valueOf(now.toEpochMilli()));
        BackfillJob job = new BackfillJob(backfillId, vendorId, purposes, now, null, 0, 0, null);
        jobs.put(BackfillJob.key(vendorId), job.encode());
        LOG.info("Backfill {} started for vendor {} (purposes {}) in task {}", backfillId, vendorId, purposes,
                context.taskId());
    }

    private List<BackfillJob> runningJobs() {
        List<BackfillJob> running = new ArrayList<>();
        try (KeyValueIterator<String, String> it = jobs.range(BackfillJob.firstKey(), BackfillJob.lastKey())) {
            while (it.hasNext()) {
                KeyValue<String, String> entry = it.next();
                BackfillJob job = BackfillJob.decode(entry.value);
                if (!job.done()) {
                    running.add(job);
                }
            }
        }
        return running;
    }

    /** Walks up to {@code budget} subjects of one job; returns how many it looked at. */
    private int advance(BackfillJob job, int budget, Instant now) {
        Collection<Vendor> all = vendors.all();
        Optional<Vendor> vendor = all.stream().filter(v -> v.vendorId().equals(job.vendorId())).findFirst();
        int scanned = 0;
        int issued = 0;
        String cursor = job.cursor();
        boolean exhausted;
        try (KeyValueIterator<String, ConsentRow> it = cursor == null
                ? table.all()
                : table.range(cursor, null)) {
            while (scanned < budget && it.hasNext()) {
                String previous = cursor;
                KeyValue<String, ConsentRow> entry = UnreadableStateException
                        .readNext(StoreNames.CONSENT_TABLE, previous, it::next);
                if (entry.key.equals(job.cursor())) {
                    continue;
                }
                scanned++;
                cursor = entry.key;
                if (vendor.isEmpty() || entry.value == null || entry.value.getState() == null) {
                    continue;
                }
                SubjectConsent state = AvroMapper.toDomain(entry.value.getState());
                Optional<Command> command = planner.plan(
                        new BackfillPlanner.Backfill(job.backfillId(), vendor.get(), job.purposes()), all, state,
                        engine.permissions(state, now), engine.policy().version(), now);
                if (command.isPresent()) {
                    issued++;
                    PropagationCommand avro = AvroMapper.toAvro(command.get());
                    // Tracked like any other command: the acknowledgement finds it in this task.
                    context.forward(new Record<String, Outbound>(entry.key,
                            new Outbound.Opened(
                                    AuditRecords.propagationOf(entry.key, avro.getSignalId().toString(), null,
                                            List.of(AuditRecords.pendingOf(avro, now)), now),
                                    true),
                            now.toEpochMilli()));
                    context.forward(new Record<String, Outbound>(entry.key, new Outbound.CommandIssued(avro),
                            now.toEpochMilli()));
                    context.forward(new Record<String, Outbound>(entry.key,
                            new Outbound.Audit(AuditRecords.commandAudit(command.get(), now)), now.toEpochMilli()));
                }
            }
            exhausted = !it.hasNext();
        }
        BackfillJob next = job.advance(cursor, scanned, issued, exhausted ? now : null);
        jobs.put(BackfillJob.key(job.vendorId()), next.encode());
        if (next.done()) {
            LOG.info("Backfill {} of vendor {} done in task {}: scanned {}, issued {}", job.backfillId(),
                    job.vendorId(), context.taskId(), next.scanned(), next.issued());
        } else {
            LOG.info("Backfill {} of vendor {} in task {}: scanned {}, issued {} so far", job.backfillId(),
                    job.vendorId(), context.taskId(), next.scanned(), next.issued());
        }
        return Math.max(scanned, 1);
    }

    /** The vendor's effective purposes as stored: sorted, comma-separated; empty when it receives nothing. */
    private String scope(Vendor vendor, Collection<Vendor> all) {
        return String.join(",", new TreeSet<>(planner.effectivePurposes(vendor, all)));
    }

    private static Set<String> purposes(String stored) {
        return stored == null || stored.isEmpty() ? new TreeSet<>() : new TreeSet<>(Arrays.asList(stored.split(",")));
    }
}
