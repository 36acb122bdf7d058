package dev.consentrelay.topology;

/**
 * Names of the state stores. They are part of the deployment's contract (changelog topics are named after them), so
 * they never change once released.
 */
public final class StoreNames {

    /** The per-subject consent table (RocksDB, compacted changelog). */
    public static final String CONSENT_TABLE = "consent-table";
    /** Signal ids seen within the de-duplication window. */
    public static final String SIGNAL_DEDUP = "signal-dedup";
    /** Subjects by the time their next grant expires, so expiry never scans the whole table. */
    public static final String GRANT_EXPIRY_INDEX = "grant-expiry-index";
    /** Commands awaiting (or holding) their vendor's acknowledgement, keyed {@code signalId|commandId}. */
    public static final String PENDING_COMMANDS = "pending-commands";
    /** Pending commands by deadline ({@code <13-digit epoch millis>|signalId|commandId}), for the SLA check. */
    public static final String PENDING_DEADLINES = "pending-deadlines";
    /** Signals by the time their tracking entries may be purged ({@code <13-digit epoch millis>|signalId}). */
    public static final String PROPAGATION_RETENTION = "propagation-retention";
    /**
     * Acknowledgements that arrived before their command, keyed {@code signalId|commandId}, with the time they were
     * parked; applied when the command arrives, audited as unmatched after the grace period.
     */
    public static final String EARLY_ACKS = "early-acks";
    /** Parked acknowledgements by parking time ({@code <13-digit epoch millis>|signalId|commandId}). */
    public static final String EARLY_ACK_INDEX = "early-ack-index";
    /**
     * The decision on each signal (its {@code DECISION} audit event), keyed by signal id, in the tracking task of the
     * signal, next to its {@link #PENDING_COMMANDS}; kept as long as the signal's tracking entries.
     */
    public static final String SIGNAL_DECISIONS = "signal-decisions";
    /** Vendor records, the global table read from the vendors topic. */
    public static final String VENDORS = "vendors";
    /**
     * Every audit event per subject, keyed {@code subjectId|recordedAt (13 digits)|eventId} for prefix scans; fed from
     * the audit topic, which is keyed by subject like the signals, so a subject's trail lives in the same partition
     * number as its consent row.
     */
    public static final String SUBJECT_AUDIT = "subject-audit";
    /** Vendor backfill jobs and the vendor scopes they were started from, per task. */
    public static final String VENDOR_BACKFILL = "vendor-backfill";

    private StoreNames() {
    }
}
