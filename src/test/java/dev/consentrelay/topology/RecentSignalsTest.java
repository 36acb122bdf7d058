package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

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
        ConsentRow row = row(RecentSignals.remember(null, "s-1", NOW, WINDOW));

        assertThat(RecentSignals.seen(row, "s-1", NOW.plus(WINDOW), WINDOW)).isTrue();
        assertThat(RecentSignals.seen(row, "s-1", NOW.plus(WINDOW).plusMillis(1), WINDOW)).isFalse();
        assertThat(RecentSignals.seen(row, "s-2", NOW, WINDOW)).isFalse();
        assertThat(RecentSignals.seen(null, "s-1", NOW, WINDOW)).isFalse();
    }

    @Test
    void idsPastTheWindowAreDroppedWhenTheNextIsRemembered() {
        ConsentRow row = row(RecentSignals.remember(null, "old", NOW, WINDOW));
        assertThat(row.getIdsForgotten()).as("a new row has dropped nothing").isFalse();

        RecentSignals.Remembered next = RecentSignals.remember(row, "new", NOW.plus(WINDOW).plusSeconds(1), WINDOW);

        assertThat(next.ids()).extracting(RecentSignal::getSignalId).containsExactly("new");
        assertThat(next.forgotten()).as("'old' may have an entry the row no longer lists").isTrue();
        assertThat(RecentSignals.mayBeTracked(row(next), "old")).isTrue();
    }

    @Test
    void aRowThatDroppedNothingProvesAnUnlistedIdNew() {
        ConsentRow row = row(RecentSignals.remember(null, "s-1", NOW, WINDOW));
        row = row(RecentSignals.remember(row, "s-2", NOW.plusSeconds(1), WINDOW));

        assertThat(row.getIdsForgotten()).isFalse();
        assertThat(RecentSignals.mayBeTracked(row, "s-3")).as("never applied to the subject").isFalse();
        assertThat(RecentSignals.mayBeTracked(row, "s-1")).as("applied: its entry exists").isTrue();
        assertThat(RecentSignals.mayBeTracked(null, "s-1")).as("no row: a refused signal may have opened one")
                .isTrue();
    }

    @Test
    void anIdAppliedAgainPastTheWindowStaysListedWithoutForgettingAnything() {
        ConsentRow row = row(RecentSignals.remember(null, "s-1", NOW, WINDOW));

        RecentSignals.Remembered again = RecentSignals.remember(row, "s-1", NOW.plus(WINDOW).plusSeconds(1), WINDOW);

        assertThat(again.ids()).extracting(RecentSignal::getSignalId).containsExactly("s-1");
        assertThat(again.forgotten()).isFalse();
    }

    @Test
    void aRowOfAnEarlierReleaseMayTrackAnyId() {
        ConsentRow earlier = ConsentRow.newBuilder().setState(null).setRecentSignals(new ArrayList<>())
                .setLinks(new ArrayList<>()).build();

        assertThat(earlier.getIdsForgotten()).as("the schema's default").isTrue();
        assertThat(RecentSignals.mayBeTracked(earlier, "s-1")).isTrue();
        assertThat(RecentSignals.remember(earlier, "s-1", NOW, WINDOW).forgotten()).as("sticky").isTrue();
    }

    @Test
    void theRowKeepsTheNewestIdsUpToTheBound() {
        ConsentRow row = new ConsentRow(null, new ArrayList<>(), new ArrayList<>(), false);
        for (int i = 0; i < RecentSignals.MAX; i++) {
            row = row(RecentSignals.remember(row, "s-" + i, NOW.plusSeconds(i), WINDOW));
        }
        assertThat(row.getIdsForgotten()).as("full, nothing dropped yet").isFalse();
        for (int i = RecentSignals.MAX; i < RecentSignals.MAX + 10; i++) {
            row = row(RecentSignals.remember(row, "s-" + i, NOW.plusSeconds(i), WINDOW));
        }

        assertThat(row.getRecentSignals()).hasSize(RecentSignals.MAX);
        assertThat(row.getRecentSignals().get(0).getSignalId()).isEqualTo("s-10");
        assertThat(RecentSignals.seen(row, "s-9", NOW.plusSeconds(100), WINDOW)).as("pushed out by newer ids")
                .isFalse();
        assertThat(RecentSignals.seen(row, "s-73", NOW.plusSeconds(100), WINDOW)).isTrue();
        assertThat(row.getIdsForgotten()).isTrue();
        assertThat(RecentSignals.mayBeTracked(row, "s-9")).isTrue();
    }

    private static ConsentRow row(RecentSignals.Remembered remembered) {
        return new ConsentRow(null, remembered.ids(), new ArrayList<>(), remembered.forgotten());
    }
}
