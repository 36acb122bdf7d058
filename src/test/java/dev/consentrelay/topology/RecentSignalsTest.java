package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.RecentSignal;

import static org.assertj.core.api.Assertions.assertThat;

/** The signal ids a subject's row remembers: within the window, and never more than the bound. */
class RecentSignalsTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final Duration WINDOW = Duration.ofDays(7);

    @Test
    void aRememberedIdIsSeenWithinTheWindowOnly() {
        ConsentRow row = new ConsentRow(null, RecentSignals.remember(null, "s-1", NOW, WINDOW), new ArrayList<>());

        assertThat(RecentSignals.seen(row, "s-1", NOW.plus(WINDOW), WINDOW)).isTrue();
        assertThat(RecentSignals.seen(row, "s-1", NOW.plus(WINDOW).plusMillis(1), WINDOW)).isFalse();
        assertThat(RecentSignals.seen(row, "s-2", NOW, WINDOW)).isFalse();
        assertThat(RecentSignals.seen(null, "s-1", NOW, WINDOW)).isFalse();
    }

    @Test
    void idsPastTheWindowAreDroppedWhenTheNextIsRemembered() {
        ConsentRow row = new ConsentRow(null, RecentSignals.remember(null, "old", NOW, WINDOW), new ArrayList<>());

        List<RecentSignal> next = RecentSignals.remember(row, "new", NOW.plus(WINDOW).plusSeconds(1), WINDOW);

        assertThat(next).extracting(RecentSignal::getSignalId).containsExactly("new");
    }

    @Test
    void theRowKeepsTheNewestIdsUpToTheBound() {
        ConsentRow row = new ConsentRow(null, new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < RecentSignals.MAX + 10; i++) {
            row = new ConsentRow(null, RecentSignals.remember(row, "s-" + i, NOW.plusSeconds(i), WINDOW),
                    new ArrayList<>());
        }

        assertThat(row.getRecentSignals()).hasSize(RecentSignals.MAX);
        assertThat(row.getRecentSignals().get(0).getSignalId()).isEqualTo("s-10");
        assertThat(RecentSignals.seen(row, "s-9", NOW.plusSeconds(100), WINDOW)).as("pushed out by newer ids")
                .isFalse();
        assertThat(RecentSignals.seen(row, "s-73", NOW.plusSeconds(100), WINDOW)).isTrue();
    }
}
