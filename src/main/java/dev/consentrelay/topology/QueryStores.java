package dev.consentrelay.topology;

import java.time.Duration;

/**
 * Settings of the stores that serve queries and vendor backfills.
 *
 * @param auditRetention how long the per-subject audit store keeps events; {@code null} or zero keeps them forever
 * @param backfillInterval how often (wall clock) a backfill advances
 * @param backfillBatch how many subjects a backfill looks at per tick and task
 */
public record QueryStores(Duration auditRetention, Duration backfillInterval, int backfillBatch) {

    public QueryStores {
        if (backfillInterval == null || backfillInterval.isZero() || backfillInterval.isNegative()) {
            throw new IllegalArgumentException("backfillInterval must be positive: " + backfillInterval);
        }
        if (backfillBatch <= 0) {
            throw new IllegalArgumentException("backfillBatch must be positive: " + backfillBatch);
        }
    }

    /** No audit retention; a backfill looks at 500 subjects a second per task. */
    public static QueryStores defaults() {
        return new QueryStores(null, Duration.ofSeconds(1), 500);
    }
}
