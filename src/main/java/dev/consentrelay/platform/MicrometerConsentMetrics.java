package dev.consentrelay.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.consentrelay.topology.ConsentMetrics;

/**
 * Topology metrics in Micrometer, exported at {@code /q/metrics}. Tags are fixed vocabularies (vendor, action,
 * outcome, status, reason category), never subject data. The pending gauges add up what every tracking task of this
 * instance reported last.
 */
@ApplicationScoped
public class MicrometerConsentMetrics implements ConsentMetrics {

    private static final Duration[] LATENCY_SLOS = {Duration.ofMillis(50), Duration.ofMillis(250),
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofHours(1)};

    private static final List<String> ACTIONS = List.of("SUPPRESS", "DELETE", "RESUME");
    private static final List<String> FINAL_STATUSES = List.of("APPLIED", "NOT_FOUND", "FAILED", "REJECTED");

    private final MeterRegistry registry;

    /** Last report of each tracking task: owner → vendor → pending. */
    private final Map<String, Map<String, Pending>> pendingByOwner = new ConcurrentHashMap<>();
    private final Set<String> gaugedVendors = ConcurrentHashMap.newKeySet();
    /**
     * The meters already registered, by name and tag values: the stream thread counts several events per signal,
     * and building a meter's id (tags, hashes, distribution settings) on each would cost more than the count.
     */
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
    /** The meters of every issued command, by vendor then action: two lookups of strings, no key built per command. */
    private final Map<String, Map<String, Issued>> issued = new ConcurrentHashMap<>();

    @Inject
    public MicrometerConsentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void deadLetter(String category) {
        counters.computeIfAbsent(List.of("consent_dlq_records", category), k -> Counter
                .builder("consent_dlq_records").description("Records sent to the dead-letter topic")
                .tag("reason", category).register(registry)).increment();
    }

    @Override
    public void decision(String outcome) {
        counters.computeIfAbsent(List.of("consent_decisions", outcome), k -> Counter.builder("consent_decisions")
                .description("Signals decided, by outcome").tag("outcome", outcome).register(registry)).increment();
    }

    @Override
    public void choice(String purpose, String region, String source, String choice) {
        counters.computeIfAbsent(List.of("consent_choices", purpose, region, source, choice), k -> Counter
                .builder("consent_choices").description("Choices that took effect, by purpose, region and source")
                .tag("purpose", purpose).tag("region", region).tag("source", source).tag("choice", choice)
                .register(registry)).increment();
    }

    @Override
    public void rejected(String reason) {
        // The HTTP ingest counts its refusals under the same name with stage "ingest" (SignalIngest).
        counters.computeIfAbsent(List.of("consent_signals_rejected", reason), k -> Counter
                .builder("consent_signals_rejected").description("Signals refused, by stage and reason")
                .tag("stage", "pipeline").tag("reason", reason).register(registry)).increment();
    }

    @Override
    public void commandIssued(String vendorId, String action, Duration decisionLatency) {
        Issued meters = issued.computeIfAbsent(vendorId, v -> new ConcurrentHashMap<>())
                .computeIfAbsent(action, a -> issuedMeters(vendorId, action));
        meters.count().increment();
        meters.latency().record(decisionLatency.isNegative() ? Duration.ZERO : decisionLatency);
    }

    private Issued issuedMeters(String vendorId, String action) {
        return new Issued(Counter.builder("consent_commands_issued").description("Commands issued to vendors")
                .tag("vendor", vendorId).tag("action", action).register(registry),
                Timer.builder("consent_decision_latency").description("Signal received to command issued")
                        .tag("vendor", vendorId).tag("action", action)
                        .publishPercentileHistogram()
                        .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofSeconds(1),
                                Duration.ofSeconds(10))
                        .register(registry));
    }

    @Override
    public void ackReceived(String vendorId, String status) {
        // Exported as consent_acks_total.
        ackCounter(vendorId, status).increment();
    }

    @Override
    public void propagated(String vendorId, String action, Duration latency) {
        propagationTimer(vendorId, action)
                .record(latency == null || latency.isNegative() ? Duration.ZERO : latency);
    }

    @Override
    public void slaBreach(String vendorId, String action) {
        // Exported as consent_sla_breaches_total.
        breachCounter(vendorId, action).increment();
    }

    /**
     * Registers a vendor's meters at zero as soon as the vendor is known, so dashboards and alerts (rates,
     * increases) see the series before the first acknowledgement or breach happens.
     */
    public void vendorKnown(String vendorId) {
        for (String action : ACTIONS) {
            propagationTimer(vendorId, action);
            breachCounter(vendorId, action);
        }
        for (String status : FINAL_STATUSES) {
            ackCounter(vendorId, status);
        }
        gauge(vendorId);
    }

    private Timer propagationTimer(String vendorId, String action) {
        return timers.computeIfAbsent(List.of("consent_propagation_latency", vendorId, action),
                k -> Timer.builder("consent_propagation_latency")
                        .description("Signal received to vendor acknowledgement")
                        .tag("vendor", vendorId).tag("action", action)
                        .publishPercentileHistogram()
                        .serviceLevelObjectives(LATENCY_SLOS)
                        .maximumExpectedValue(Duration.ofHours(2))
                        .register(registry));
    }

    private Counter breachCounter(String vendorId, String action) {
        // Exported as consent_sla_breaches_total.
        return counters.computeIfAbsent(List.of("consent_sla_breaches", vendorId, action), k -> Counter
                .builder("consent_sla_breaches").description("Commands past their deadline without a final ack")
                .tag("vendor", vendorId).tag("action", action).register(registry));
    }

    private Counter ackCounter(String vendorId, String status) {
        // Exported as consent_acks_total.
        return counters.computeIfAbsent(List.of("consent_acks", vendorId, status), k -> Counter
                .builder("consent_acks").description("Final acknowledgements matched to their command")
                .tag("vendor", vendorId).tag("status", status).register(registry));
    }

    @Override
    public void pendingCommands(String owner, Map<String, Pending> byVendor) {
        pendingByOwner.put(owner, Map.copyOf(byVendor));
        byVendor.keySet().forEach(this::gauge);
    }

    @Override
    public void pendingReleased(String owner) {
        pendingByOwner.remove(owner);
    }

    /** Registers a vendor's two gauges once; they read the latest reports and fall to zero when none remains. */
    private void gauge(String vendorId) {
        if (!gaugedVendors.add(vendorId)) {
            return;
        }
        Gauge.builder("consent_pending_commands", this, m -> m.pendingCount(vendorId))
                .description("Commands issued and not yet finally acknowledged")
                .tag("vendor", vendorId).register(registry);
        Gauge.builder("consent_oldest_pending_age_seconds", this, m -> m.oldestPendingSeconds(vendorId))
                .description("Age of the oldest command without a final acknowledgement, from its signal's receipt")
                .tag("vendor", vendorId).register(registry);
    }

    double pendingCount(String vendorId) {
        return pendingByOwner.values().stream().map(m -> m.get(vendorId)).filter(p -> p != null)
                .mapToLong(Pending::count).sum();
    }

    double oldestPendingSeconds(String vendorId) {
        return pendingByOwner.values().stream().map(m -> m.get(vendorId)).filter(p -> p != null)
                .mapToDouble(p -> p.oldestAge().toMillis() / 1000.0).max().orElse(0);
    }

    /** A vendor's and action's count of issued commands and their decision latency. */
    private record Issued(Counter count, Timer latency) {
    }
}
