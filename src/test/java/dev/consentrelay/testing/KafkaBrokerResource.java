package dev.consentrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the real test broker of {@link TestKafka}. The broker is shared by every test in
 * the JVM and outlives each Quarkus application.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        // A fresh state directory per broker: state from another broker's changelogs would be thrown away anyway.
        try {
            Path stateDir = Files.createTempDirectory("consent-relay-streams");
            return Map.of("kafka.bootstrap.servers", TestKafka.bootstrapServers(),
                    "kafka-streams.state.dir", stateDir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // Shared broker: stopped when the test JVM exits.
    }
}
