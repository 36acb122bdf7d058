package dev.consentrelay.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the service keeps of personal data, and for how long. */
@ConfigMapping(prefix = "consent-relay.privacy")
public interface PrivacyConfig {

    /**
     * The secret key of the keyed hashes (HMAC-SHA256) that stand in for identifiers in the audit trail and in an
     * erased row: at least 16 characters, the same on every instance, and kept: a new key makes earlier hashes
     * unmatchable. Required on a Kafka cluster; the embedded run keeps a generated one in its data directory.
     */
    Optional<String> identifierKey();

    /**
     * The erasure horizon: the longest an overwritten row (raw identifiers included) may stay in the compacted topics
     * that carry it ({@code consent.subject-state.v1} and the consent table's changelog) before compaction removes
     * it. Set as their {@code max.compaction.lag.ms}.
     */
    @WithDefault("7d")
    Duration erasureHorizon();

    /** Retention of the dead-letter topic, which holds raw input. */
    @WithDefault("30d")
    Duration deadLetterRetention();

    /** Retention of the per-vendor command topics, which carry identifiers to the connectors. */
    @WithDefault("7d")
    Duration commandRetention();
}
