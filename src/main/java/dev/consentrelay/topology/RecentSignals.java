package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.RecentSignal;

/**
 * De-duplication of signal ids inside the subject's row: the ids applied within the window, at most {@link #MAX}
 * of them (the oldest go first), so a signal published twice (a retrying producer, a replayed batch) is applied once
 * and the row stays bounded whatever arrives. An id older than both bounds that comes again is decided again, which
 * the event-time rules make harmless: a replayed signal is older than what its subject has since, and is superseded.
 */
final class RecentSignals {

    /** The most signal ids a row remembers. */
    static final int MAX = 64;

    private RecentSignals() {
    }

    /** Whether the row holds {@code signalId} as applied within the window before {@code now}. */
    static boolean seen(ConsentRow row, String signalId, Instant now, Duration window) {
        if (row == null) {
            return false;
        }
        Instant from = now.minus(window);
        for (RecentSignal recent : row.getRecentSignals()) {
            if (recent.getSignalId().equals(signalId) && !recent.getSeenAt().isBefore(from)) {
                return true;
            }
        }
        return false;
    }

    /** The row's recent ids with {@code signalId} added at {@code now}, past the window or the bound dropped. */
    static List<RecentSignal> remember(ConsentRow row, String signalId, Instant now, Duration window) {
        Instant from = now.minus(window);
        List<RecentSignal> kept = new ArrayList<>();
        if (row != null) {
            for (RecentSignal recent : row.getRecentSignals()) {
                if (!recent.getSeenAt().isBefore(from) && !recent.getSignalId().equals(signalId)) {
                    kept.add(recent);
                }
            }
        }
        kept.add(new RecentSignal(signalId, now));
        return kept.size() > MAX ? new ArrayList<>(kept.subList(kept.size() - MAX, kept.size())) : kept;
    }
}
