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
    /** Vendor records, the global table read from the vendors topic. */
    public static final String VENDORS = "vendors";

    private StoreNames() {
    }
}
