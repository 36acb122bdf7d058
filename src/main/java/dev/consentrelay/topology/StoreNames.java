package dev.consentrelay.topology;

/**
 * Names of the state stores. They are part of the deployment's contract (changelog topics are named after them), so
 * they never change once released.
 */
public final class StoreNames {

    /** The per-subject consent table with each subject's recently applied signal ids (RocksDB, compacted changelog). */
    public static final String CONSENT_TABLE = "consent-table";
    /** Subjects by the time their next grant expires, so expiry never scans the whole table. */
    public static final String GRANT_EXPIRY_INDEX = "grant-expiry-index";
    /**
     * Each signal's decision and the commands it issued ({@code SignalPropagation}), keyed {@code subjectId|signalId},
     * in the subject's task, written once when the signal is decided; with {@link #PROPAGATION_ANSWERS}, the logged
     * stores of propagation tracking.
     */
    public static final String SIGNAL_PROPAGATION = "signal-propagation";
    /**
     * The vendors' answers to each signal's commands ({@code PropagationAnswers}), keyed like
     * {@link #SIGNAL_PROPAGATION}, whose entries are written once: an acknowledgement rewrites this small record
     * rather than the entry. Logged.
     */
    public static final String PROPAGATION_ANSWERS = "propagation-answers";
    /**
     * Signals by the deadline of their earliest unanswered command ({@code <13-digit epoch
     * millis>|subjectId|signalId});
     * derived from {@link #SIGNAL_PROPAGATION}, rebuilt when the task starts, no changelog.
     */
    public static final String PROPAGATION_DEADLINES = "propagation-deadlines";
    /**
     * Signals by the time their entry may be purged ({@code <13-digit epoch millis>|subjectId|signalId}); derived,
     * rebuilt when the task starts, no changelog.
     */
    public static final String PROPAGATION_RETENTION = "propagation-retention";
    /**
     * The subject of each tracked signal (signal id to subject id), so {@code GET /v1/signals/{id}} finds a signal
     * without its subject; derived, rebuilt when the task starts, no changelog.
     */
    public static final String SIGNAL_SUBJECTS = "signal-subjects";
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
