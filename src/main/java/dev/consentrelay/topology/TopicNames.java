package dev.consentrelay.topology;

import java.util.Objects;

/**
 * The topics the topology reads and writes. Names come from configuration, never from topology code.
 *
 * @param signals consent signals
 * @param gpcSignals Global Privacy Control signals (same record type)
 * @param subjectState compacted per-subject consent table
 * @param vendors compacted vendor records, read as a global table
 * @param commandsPattern per-vendor command topic name with a {@code {vendorId}} placeholder
 * @param audit audit trail
 * @param deadLetters records that could not be processed
 * @param commandAcks acknowledgements published by the vendor connectors, keyed by signal id
 * @param propagationReceipts one receipt per signal once every vendor has answered
 * @param slaBreaches commands that passed their deadline unanswered
 */
public record TopicNames(String signals, String gpcSignals, String subjectState, String vendors,
        String commandsPattern, String audit, String deadLetters, String commandAcks, String propagationReceipts,
        String slaBreaches) {

    public TopicNames {
        Objects.requireNonNull(signals, "signals");
        Objects.requireNonNull(gpcSignals, "gpcSignals");
        Objects.requireNonNull(subjectState, "subjectState");
        Objects.requireNonNull(vendors, "vendors");
        Objects.requireNonNull(commandsPattern, "commandsPattern");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(commandAcks, "commandAcks");
        Objects.requireNonNull(propagationReceipts, "propagationReceipts");
        Objects.requireNonNull(slaBreaches, "slaBreaches");
        if (!commandsPattern.contains("{vendorId}")) {
            throw new IllegalArgumentException("The command topic pattern must contain {vendorId}: " + commandsPattern);
        }
    }

    /** The defaults of the product spec. */
    public static TopicNames defaults() {
        return new TopicNames("consent.signals.v1", "consent.gpc-signals.v1", "consent.subject-state.v1",
                "consent.vendors.v1", "consent.commands.{vendorId}.v1", "consent.audit.v1", "consent.signals.dlq.v1",
                "consent.command-acks.v1", "consent.propagation-receipts.v1", "consent.sla-breaches.v1");
    }

    /** The command topic of one vendor. */
    public String commandsTopic(String vendorId) {
        return commandsPattern.replace("{vendorId}", vendorId);
    }
}
