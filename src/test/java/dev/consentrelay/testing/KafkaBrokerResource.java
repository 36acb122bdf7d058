package dev.consentrelay.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the real test broker of {@link TestKafka}. The broker is shared by every test in
 * the JVM and outlives each Quarkus application.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", TestKafka.bootstrapServers());
    }

    @Override
    public void stop() {
        // Shared broker: stopped when the test JVM exits.
    }
}
