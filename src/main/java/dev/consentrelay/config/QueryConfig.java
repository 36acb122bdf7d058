package dev.consentrelay.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Interactive queries, the per-subject audit store and vendor backfills. */
@ConfigMapping(prefix = "consent-relay.query")
public interface QueryConfig {

    /** How long a query forwarded to the instance that owns the key may take. */
    @WithDefault("5s")
    Duration forwardTimeout();

    /** The {@code Retry-After} (seconds) of a {@code 503} while stores rebalance or restore. */
    @WithDefault("2")
    int retryAfterSeconds();

    /** How long the per-subject audit store keeps events; unset keeps them forever (the audit topic is the record). */
    Optional<Duration> auditRetention();

    /** How often (wall clock) a vendor backfill advances. */
    @WithDefault("1s")
    Duration backfillInterval();

    /** How many subjects a vendor backfill looks at per tick, in each task. */
    @WithDefault("500")
    int backfillBatch();
}
