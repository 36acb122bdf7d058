package dev.consentrelay.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the consent topology. */
@ConfigMapping(prefix = "consent-relay.processing")
public interface ProcessingConfig {

    /**
     * How long signal ids are remembered to drop duplicates: in each subject's row, at most the last 64 of the
     * subject.
     */
    @WithDefault("7d")
    Duration dedupWindow();

    /** How often (wall clock) the service looks for grants past their lifetime. */
    @WithDefault("30s")
    Duration expiryInterval();

    /** How often (wall clock) the service looks for commands past their deadline without a final acknowledgement. */
    @WithDefault("5s")
    Duration slaCheckInterval();

    /**
     * How long a signal's propagation tracking stays queryable after its receipt (or after an unanswered command's
     * breach) before it is purged; an acknowledgement arriving later is audited as unmatched.
     */
    @WithDefault("7d")
    Duration receiptRetention();

    /**
     * A YAML file declaring the vendors and sub-processors; loaded into the vendors topic at start-up, so a
     * deployment declares its vendors in one place. Records in the file replace those with the same id.
     */
    Optional<String> vendorsFile();
}
