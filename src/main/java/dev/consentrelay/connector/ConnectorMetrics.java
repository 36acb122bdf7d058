package dev.consentrelay.connector;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Connector metrics in Micrometer (exported at {@code /q/metrics}): deliveries by final outcome, retries, terminal
 * failures and the commands in flight per vendor. Tags are the vendor, the action and the outcome only, never a
 * subject.
 */
public final class ConnectorMetrics {

    private final MeterRegistry registry;
    private final Map<String, Supplier<Number>> sources = new ConcurrentHashMap<>();
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();

    public ConnectorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A command settled with a final acknowledgement (or was skipped as already acknowledged). */
    public void delivered(String vendorId, String action, String outcome) {
        // Looked up once per vendor, action and outcome: building the meter's id for every command cost more than
        // the count.
        deliveries.computeIfAbsent(vendorId + '\n' + action + '\n' + outcome, key -> Counter
                .builder("consent_connector_deliveries").description("Commands settled by vendor connectors")
                .tag("vendor", vendorId).tag("action", action).tag("outcome", outcome).register(registry))
                .increment();
        if ("FAILED".equals(outcome) || "REJECTED".equals(outcome)) {
            Counter.builder("consent_connector_failures")
                    .description("Commands a vendor rejected or that failed after every retry")
                    .tag("vendor", vendorId).tag("action", action).tag("outcome", outcome).register(registry)
                    .increment();
        }
    }

    /** One more attempt after a transient failure. */
    public void retried(String vendorId, String action) {
        Counter.builder("consent_connector_retries").description("Delivery attempts retried after a transient failure")
                .tag("vendor", vendorId).tag("action", action).register(registry).increment();
    }

    /**
     * Registers the in-flight gauge of a vendor. A connector restarted in the same process replaces the source of
     * the gauge, which Micrometer would otherwise keep reading from the stopped one.
     */
    public void inFlight(String vendorId, Supplier<Number> inFlight) {
        sources.put(vendorId, inFlight);
        Gauge.builder("consent_connector_in_flight", () -> sources.getOrDefault(vendorId, () -> 0).get())
                .description("Commands received and not yet acknowledged").tag("vendor", vendorId)
                .strongReference(true).register(registry);
    }
}
