package dev.consentrelay.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.consentrelay.domain.LegalDeadlines.Compliance;
import dev.consentrelay.domain.LegalDeadlines.Regime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LegalDeadlinesTest {

    @ParameterizedTest(name = "{0} + {1} business days = {2}")
    @CsvSource({
            // 2026-11-02 is a Monday
            "2026-11-02T10:15:00Z, 0, 2026-11-02T10:15:00Z",
            "2026-11-02T10:15:00Z, 1, 2026-11-03T10:15:00Z",
            "2026-11-02T10:15:00Z, 4, 2026-11-06T10:15:00Z",
            "2026-11-02T10:15:00Z, 5, 2026-11-09T10:15:00Z",
            "2026-11-02T10:15:00Z, 10, 2026-11-16T10:15:00Z",
            "2026-11-02T10:15:00Z, 15, 2026-11-23T10:15:00Z",
            // Friday + 1 skips the weekend
            "2026-11-06T23:59:00Z, 1, 2026-11-09T23:59:00Z",
            // Saturday and Sunday starts count from Monday
            "2026-11-07T08:00:00Z, 1, 2026-11-09T08:00:00Z",
            "2026-11-08T08:00:00Z, 1, 2026-11-09T08:00:00Z",
            "2026-11-07T08:00:00Z, 10, 2026-11-20T08:00:00Z",
            // across a month and a year end
            "2026-12-24T12:00:00Z, 10, 2027-01-07T12:00:00Z"})
    void shouldSkipWeekendsWhenAddingBusinessDays(Instant from, int days, Instant expected) {
        assertThat(LegalDeadlines.addBusinessDays(from, days)).isEqualTo(expected);
    }

    @Test
    void shouldRefuseNegativeBusinessDays() {
        assertThatThrownBy(() -> LegalDeadlines.addBusinessDays(Instant.EPOCH, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = ';', value = {
            "US-CA; OPT_OUT; advertising; CCPA",
            "US-VA; OPT_OUT; email_marketing; CCPA,CAN_SPAM",
            "US-TX; WITHDRAWAL; ; CCPA,CAN_SPAM",
            "US-CA; GPC; ; CCPA",
            "US-CO; ERASURE; ; CCPA,CAN_SPAM",
            "CA; OPT_OUT; email_marketing; CASL",
            "CA; WITHDRAWAL; analytics; CASL",
            "EU; OPT_OUT; analytics; GDPR",
            "UK; ERASURE; ; GDPR",
            "EU; OPT_IN; analytics; ",
            "US-CA; OPT_IN; email_marketing; ",
            "BR; OPT_OUT; analytics; ",
            "; OPT_OUT; analytics; "})
    void shouldApplyTheRegimesOfTheRegion(String region, Signal.Kind kind, String purposes, String expected) {
        Set<String> named = purposes == null ? Set.of() : Set.of(purposes.split(","));
        List<Regime> want = expected == null
                ? List.of()
                : Arrays.stream(expected.split(",")).map(Regime::valueOf).toList();

        assertThat(LegalDeadlines.regimes(region, kind, named)).containsExactlyElementsOf(want);
    }

    @ParameterizedTest(name = "{0} received {1} due {2}")
    @CsvSource({
            "CCPA, 2026-11-02T09:00:00Z, 2026-11-23T09:00:00Z",
            "CAN_SPAM, 2026-11-02T09:00:00Z, 2026-11-16T09:00:00Z",
            "CASL, 2026-11-06T09:00:00Z, 2026-11-20T09:00:00Z",
            "GDPR, 2026-11-02T09:00:00Z, 2026-12-02T09:00:00Z",
            // one month from the 31st ends on the last day of the shorter month
            "GDPR, 2027-01-31T09:00:00Z, 2027-02-28T09:00:00Z"})
    void shouldComputeEachRegimesDeadline(Regime regime, Instant receivedAt, Instant due) {
        assertThat(regime.deadline(receivedAt)).isEqualTo(due);
    }

    @ParameterizedTest(name = "due {0}, done {1}, asked {2} -> {3}")
    @CsvSource({
            "2026-11-16T09:00:00Z, 2026-11-16T09:00:00Z, 2026-12-01T00:00:00Z, MET",
            "2026-11-16T09:00:00Z, 2026-11-02T09:00:01Z, 2026-11-03T00:00:00Z, MET",
            "2026-11-16T09:00:00Z, 2026-11-16T09:00:01Z, 2026-12-01T00:00:00Z, MISSED",
            "2026-11-16T09:00:00Z, , 2026-11-16T09:00:01Z, MISSED",
            "2026-11-16T09:00:00Z, , 2026-11-16T09:00:00Z, PENDING"})
    void shouldTellWhetherTheDeadlineWasMet(Instant due, Instant done, Instant now, Compliance expected) {
        assertThat(LegalDeadlines.compliance(due, done, now)).isEqualTo(expected);
    }

    @Test
    void shouldCountBusinessDaysMondayToFriday() {
        assertThat(LegalDeadlines.isBusinessDay(LocalDate.of(2026, 11, 6))).isTrue();
        assertThat(LegalDeadlines.isBusinessDay(LocalDate.of(2026, 11, 7))).isFalse();
        assertThat(LegalDeadlines.isBusinessDay(LocalDate.of(2026, 11, 8))).isFalse();
    }

    @Test
    void shouldListTheDeadlinesOfASignal() {
        assertThat(LegalDeadlines.deadlines("US-CA", Signal.Kind.OPT_OUT, Set.of("email_marketing"),
                Instant.parse("2026-11-02T09:00:00Z"))).containsExactly(
                        new LegalDeadlines.Deadline(Regime.CCPA, Instant.parse("2026-11-23T09:00:00Z")),
                        new LegalDeadlines.Deadline(Regime.CAN_SPAM, Instant.parse("2026-11-16T09:00:00Z")));
    }
}
