package dev.consentrelay.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Names and settings of every topic the service reads or writes. Defaults are those of the product spec. */
@ConfigMapping(prefix = "consent-relay.topics")
public interface TopicsConfig {

    /** Consent signals (opt-ins, opt-outs, withdrawals, erasures) published by platforms and the HTTP ingest. */
    @WithDefault("consent.signals.v1")
    String signals();

    /** Global Privacy Control signals captured at the edge (same record type as {@link #signals()}). */
    @WithDefault("consent.gpc-signals.v1")
    String gpcSignals();

    /** Compacted per-subject consent table, for CRMs and CDPs to sync from. */
    @WithDefault("consent.subject-state.v1")
    String subjectState();

    /** Compacted vendor and sub-processor records, read as a global table. */
    @WithDefault("consent.vendors.v1")
    String vendors();

    /** Name pattern of the per-vendor command topics; {@code {vendorId}} is replaced by the vendor id. */
    @WithDefault("consent.commands.{vendorId}.v1")
    String commandsPattern();

    /** Acknowledgements published by the vendor connectors. */
    @WithDefault("consent.command-acks.v1")
    String commandAcks();

    /** One receipt per signal once every vendor has answered. */
    @WithDefault("consent.propagation-receipts.v1")
    String propagationReceipts();

    /** Commands that passed their deadline unanswered. */
    @WithDefault("consent.sla-breaches.v1")
    String slaBreaches();

    /** Immutable audit trail of every signal, decision, command and acknowledgement. */
    @WithDefault("consent.audit.v1")
    String audit();

    /** Records that could not be processed, with the reason in headers. */
    @WithDefault("consent.signals.dlq.v1")
    String deadLetters();

    /** Partitions of the topics the service creates. */
    @WithDefault("3")
    int partitions();

    /** Replication factor of the topics the service creates; the broker's default when unset. */
    Optional<Short> replicationFactor();

    /**
     * Whether the service creates missing topics at start-up. When {@code false} (or when the credentials do not
     * allow it) the service fails fast, naming the topics that are missing.
     */
    @WithDefault("true")
    boolean create();

    /** Retention of the audit topic in milliseconds; {@code -1} keeps the audit trail forever. */
    @WithDefault("-1")
    long auditRetentionMs();

    /** The command topic of one vendor. */
    default String commandsTopic(String vendorId) {
        return commandsPattern().replace("{vendorId}", vendorId);
    }
}
