package dev.consentrelay.platform;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.consentrelay.topology.ConsentMetrics;

/**
 * Topology metrics in Micrometer, exported at {@code /q/metrics}. Tags are fixed vocabularies (vendor, action,
 * outcome, reason category), never subject data.
 */
@ApplicationScoped
public class MicrometerConsentMetrics implements ConsentMetrics {

    @Inject
    MeterRegistry registry;

    @Override
    public void deadLetter(String category) {
        Counter.builder("consent_dlq_records").description("Records sent to the dead-letter topic")
                .tag("reason", category).register(registry).increment();
    }

    @Override
    public void decision(String outcome) {
        Counter.builder("consent_decisions").description("Signals decided, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void commandIssued(String vendorId, String action, Duration decisionLatency) {
        Counter.builder("consent_commands_issued").description("Commands issued to vendors")
                .tag("vendor", vendorId).tag("action", action).register(registry).increment();
        Timer.builder("consent_decision_latency")
                .description("Signal received to command issued")
                .tag("vendor", vendorId).tag("action", action)
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofSeconds(1),
                        Duration.ofSeconds(10))
                .register(registry).record(decisionLatency.isNegative() ? Duration.ZERO : decisionLatency);
    }
}
