package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PendingGaugeTest {

    private static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");

    private final PendingGauge gauge = new PendingGauge();

    @Test
    void shouldCountPendingCommandsPerVendorWithTheAgeOfTheOldest() {
        gauge.add("adnet", T0.plusMillis(900));
        gauge.add("adnet", T0.plusSeconds(5));
        gauge.add("adnet", T0.plusSeconds(5));
        gauge.add("mailer", T0.plusSeconds(20));

        assertThat(gauge.snapshot(T0.plusSeconds(30)))
                .containsEntry("adnet", new ConsentMetrics.Pending(3, Duration.ofSeconds(30)))
                .containsEntry("mailer", new ConsentMetrics.Pending(1, Duration.ofSeconds(10)))
                .hasSize(2);
    }

    @Test
    void shouldAgeFromTheNextOldestOnceTheOldestIsAnswered() {
        gauge.add("adnet", T0);
        gauge.add("adnet", T0.plusSeconds(5));
        gauge.add("adnet", T0.plusSeconds(5));

        gauge.remove("adnet", T0);
        gauge.remove("adnet", T0.plusSeconds(5));

        assertThat(gauge.snapshot(T0.plusSeconds(30)))
                .containsOnly(Map.entry("adnet", new ConsentMetrics.Pending(1, Duration.ofSeconds(25))));
    }

    @Test
    void shouldDropAVendorWithNothingPendingAndIgnoreWhatWasNeverAdded() {
        gauge.add("adnet", T0);

        gauge.remove("adnet", T0.plusSeconds(1));
        gauge.remove("mailer", T0);
        assertThat(gauge.snapshot(T0.plusSeconds(2))).containsOnlyKeys("adnet");

        gauge.remove("adnet", T0);
        assertThat(gauge.snapshot(T0.plusSeconds(2))).isEmpty();
    }

    @Test
    void shouldCountASecondAgainAfterItsCommandsWereAllAnsweredAndAcrossOutOfOrderSeconds() {
        gauge.add("adnet", T0);
        gauge.add("adnet", T0.plusSeconds(5));
        gauge.remove("adnet", T0.plusSeconds(5));
        gauge.add("adnet", T0.plusSeconds(5));
        gauge.add("adnet", T0.plusSeconds(1));
        gauge.add("adnet", T0.plusSeconds(5));

        assertThat(gauge.snapshot(T0.plusSeconds(10)))
                .containsOnly(Map.entry("adnet", new ConsentMetrics.Pending(4, Duration.ofSeconds(10))));

        gauge.remove("adnet", T0);
        gauge.remove("adnet", T0.plusSeconds(1));
        assertThat(gauge.snapshot(T0.plusSeconds(10)))
                .containsOnly(Map.entry("adnet", new ConsentMetrics.Pending(2, Duration.ofSeconds(5))));
        gauge.remove("adnet", T0.plusSeconds(5));
        gauge.remove("adnet", T0.plusSeconds(5));
        assertThat(gauge.snapshot(T0.plusSeconds(10))).isEmpty();
    }

    @Test
    void shouldNeverReportANegativeAgeForAClockBehindTheReceiveTime() {
        gauge.add("adnet", T0.plusSeconds(10));

        assertThat(gauge.snapshot(T0).get("adnet").oldestAge()).isZero();
    }
}
