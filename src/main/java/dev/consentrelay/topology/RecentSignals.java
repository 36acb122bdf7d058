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

    /**
     * The row's recent ids with {@code signalId} added at {@code now}, past the window or the bound dropped, and
     * whether the row has ever dropped one (see {@code ConsentRow.idsForgotten}).
     */
    static Remembered remember(ConsentRow row, String signalId, Instant now, Duration window) {
        Instant from = now.minus(window);
        List<RecentSignal> kept = new ArrayList<>();
        boolean forgotten = false;
        if (row != null) {
            forgotten = row.getIdsForgotten();
            for (RecentSignal recent : row.getRecentSignals()) {
                if (recent.getSignalId().equals(signalId)) {
                    continue;
                }
                if (recent.getSeenAt().isBefore(from)) {
                    forgotten = true;
                } else {
                    kept.add(recent);
                }
            }
        }
        kept.add(new RecentSignal(signalId, now));
        if (kept.size() > MAX) {
            return new Remembered(new ArrayList<>(kept.subList(kept.size() - MAX, kept.size())), true);
        }
        return new Remembered(kept, forgotten);
    }

    /**
     * Whether {@code signalId}, not applied within the window, may still have a propagation entry for the row's
     * subject: the row lists it from an earlier application, the row has dropped ids, or there is no row (a refused
     * signal of an earlier release could open an entry without writing one).
     */
    static boolean mayBeTracked(ConsentRow row, String signalId) {
        if (row == null || row.getIdsForgotten()) {
            return true;
        }
        for (RecentSignal recent : row.getRecentSignals()) {
            if (recent.getSignalId().equals(signalId)) {
                return true;
            }
        }
        return false;
    }

    /** A row's recent ids after one more, and whether the row has ever dropped one. */
    record Remembered(List<RecentSignal> ids, boolean forgotten) {
    }
}
