package dev.consentrelay.platform;

import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.consentrelay.config.ServiceRole;

/**
 * Settings implied by {@code consent-relay.role=connector}: Kafka Streams does not run there, so its health checks
 * (which would report a stream that was never started as down) are switched off. A low ordinal, so anything set
 * explicitly still wins. Registered through {@code META-INF/services}.
 */
public class RoleConfigSourceFactory implements ConfigSourceFactory {

    static final List<String> STREAMS_HEALTH_CHECKS = List.of(
            "io.quarkus.kafka.streams.runtime.health.KafkaStreamsStateHealthCheck",
            "io.quarkus.kafka.streams.runtime.health.KafkaStreamsTopicsHealthCheck");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue role = context.getValue(ServiceRole.PROPERTY);
        if (role == null || role.getValue() == null || ServiceRole.parse(role.getValue()).runsProcessor()) {
            return List.of();
        }
        Map<String, String> implied = new java.util.HashMap<>();
        STREAMS_HEALTH_CHECKS.forEach(check -> implied.put("quarkus.smallrye-health.check.\"" + check + "\".enabled",
                "false"));
        return List.of(new PropertiesConfigSource(implied, "consent-relay role " + role.getValue(), 50));
    }
}
