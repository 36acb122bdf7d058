package dev.consentrelay.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Settings of the consent topology. The tuning durations have no default here: unset, the topology builder's own
 * defaults apply ({@code ConsentTopology.DEFAULT_*}), so defaults live in one place (7 days, 30 s, 5 s, 7 days,
 * 100 ms).
 */
@ConfigMapping(prefix = "consent-relay.processing")
public interface ProcessingConfig {

    /**
     * How long signal ids are remembered to drop duplicates: in each subject's row, at most the last 64 of the
     * subject.
     */
    Optional<Duration> dedupWindow();

    /** How often (wall clock) the service looks for grants past their lifetime. */
    Optional<Duration> expiryInterval();

    /** How often (wall clock) the service looks for commands past their deadline without a final acknowledgement. */
    Optional<Duration> slaCheckInterval();

    /**
     * How long a signal's propagation tracking stays queryable after its receipt (or after an unanswered command's
     * breach) before it is purged; an acknowledgement arriving later is audited as unmatched.
     */
    Optional<Duration> receiptRetention();

    /**
     * While the service is caught up (the records it processes are at most a second old), its outputs are committed
     * on the first such record and then at most this far apart, so a decision is visible within about this long; a
     * backlog is committed at {@code kafka-streams.commit.interval.ms}, fewer and larger transactions. {@code 0}
     * commits at the interval only. Unset: 50 ms, or 100 ms where vendor connectors run in the same process.
     */
    Optional<Duration> commitPace();

    /**
     * A YAML file declaring the vendors and sub-processors; loaded into the vendors topic at start-up, so a
     * deployment declares its vendors in one place. Records in the file replace those with the same id.
     */
    Optional<String> vendorsFile();
}
