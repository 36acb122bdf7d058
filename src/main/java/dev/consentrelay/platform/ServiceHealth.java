package dev.consentrelay.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * The service's own probes, per role (see {@link StartupGate}): {@code /q/health/started} is UP once start-up has
 * completed; {@code /q/health/ready} waits for that too, and afterwards is DOWN only when a processor's Kafka
 * Streams has stopped (not during a rebalance) or the connectors' command consumer has. Liveness is Kafka Streams'
 * own check (DOWN when it has stopped) and, in a role with connectors, DOWN once their consumer has failed.
 */
public final class ServiceHealth {

    private ServiceHealth() {
    }

    static HealthCheckResponseBuilder base(String name, StartupGate gate) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(name)
                .withData("role", gate.role().name().toLowerCase())
                .withData("startup", gate.status());
        gate.streamsState().ifPresent(state -> builder.withData("kafkaStreams", state.name()));
        gate.connectorsDelivering().forEach((vendorId, delivering) -> builder.withData("connector-" + vendorId,
                delivering ? "delivering" : "stopped"));
        return builder;
    }

    /** Start-up: UP once the role's parts can serve. */
    @Startup
    @ApplicationScoped
    public static class Started implements HealthCheck {

        private final StartupGate gate;

        @Inject
        public Started(StartupGate gate) {
            this.gate = gate;
        }

        @Override
        public HealthCheckResponse call() {
            return base("consent-relay start-up", gate).status(gate.started()).build();
        }
    }

    /** Readiness: UP after start-up unless the processor or the connectors' consumer has stopped. */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        private final StartupGate gate;

        @Inject
        public Ready(StartupGate gate) {
            this.gate = gate;
        }

        @Override
        public HealthCheckResponse call() {
            boolean processing = gate.streamsState().map(state -> !StartupGate.stopped(state)).orElse(true);
            boolean delivering = !gate.connectorsDelivering().containsValue(false);
            return base("consent-relay readiness", gate).status(gate.started() && processing && delivering).build();
        }
    }

    /** Liveness of the connectors: DOWN once their consumer has failed, which only a restart repairs. */
    @Liveness
    @ApplicationScoped
    public static class ConnectorsAlive implements HealthCheck {

        private final StartupGate gate;

        @Inject
        public ConnectorsAlive(StartupGate gate) {
            this.gate = gate;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("consent-relay connectors").status(!gate.connectorsFailed()).build();
        }
    }
}
