package dev.consentrelay.platform;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.topology.ConsentMetrics.Pending;

import static org.assertj.core.api.Assertions.assertThat;

/** The tracking meters: names, tags, SLO buckets and the pending gauges added up across tasks. */
class MicrometerConsentMetricsTest {

    private SimpleMeterRegistry registry;
    private MicrometerConsentMetrics metrics;

    @BeforeEach
    void setUp() {
        registry = new SimpleMeterRegistry();
        metrics = new MicrometerConsentMetrics(registry);
    }

    @Test
    void shouldRecordPropagationLatencyByVendorAndActionWithSloBuckets() {
        metrics.propagated("adnet", "SUPPRESS", Duration.ofMillis(1_500));

        Timer timer = registry.get("consent_propagation_latency").tag("vendor", "adnet").tag("action", "SUPPRESS")
                .timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.getId().getTags()).hasSize(2);
        assertThat(timer.takeSnapshot().percentileValues())
                .as("percentiles come from the buckets, summed over instances; none kept per process").isEmpty();
        assertThat(timer.takeSnapshot().histogramCounts()).anySatisfy(bucket -> {
            assertThat(bucket.bucket(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(10.0);
            assertThat(bucket.count()).isEqualTo(1);
        });
    }

    @Test
    void shouldSumPendingAcrossTasksAndForgetAClosedTask() {
        metrics.pendingCommands("task-0_0", Map.of("adnet", new Pending(2, Duration.ofSeconds(30))));
        metrics.pendingCommands("task-0_1", Map.of("adnet", new Pending(3, Duration.ofSeconds(90))));

        assertThat(registry.get("consent_pending_commands").tag("vendor", "adnet").gauge().value()).isEqualTo(5);
        assertThat(registry.get("consent_oldest_pending_age_seconds").tag("vendor", "adnet").gauge().value())
                .isEqualTo(90);

        metrics.pendingReleased("task-0_1");
        metrics.pendingCommands("task-0_0", Map.of());

        assertThat(registry.get("consent_pending_commands").tag("vendor", "adnet").gauge().value()).isZero();
        assertThat(registry.get("consent_oldest_pending_age_seconds").tag("vendor", "adnet").gauge().value())
                .isZero();
    }

    @Test
    void shouldCountBreachesAndAcks() {
        metrics.slaBreach("mailer", "DELETE");
        metrics.ackReceived("mailer", "FAILED");

        assertThat(registry.get("consent_sla_breaches").tag("vendor", "mailer").tag("action", "DELETE").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("consent_acks").tag("vendor", "mailer").tag("status", "FAILED").counter().count())
                .isEqualTo(1);
    }

    @Test
    void shouldCountChoicesAndRejectionsWithBoundedLabelsOnly() {
        metrics.choice("advertising", "US-*", "BROWSER_GPC", "gpc");
        metrics.choice("advertising", "US-*", "BROWSER_GPC", "gpc");
        metrics.rejected("purposes");

        assertThat(registry.get("consent_choices").tag("purpose", "advertising").tag("region", "US-*")
                .tag("source", "BROWSER_GPC").tag("choice", "gpc").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("consent_choices").counter().getId().getTags()).extracting(t -> t.getKey())
                .containsExactlyInAnyOrder("purpose", "region", "source", "choice");
        assertThat(registry.get("consent_signals_rejected").tag("stage", "pipeline").tag("reason", "purposes")
                .counter().count()).isEqualTo(1.0);
    }
}
