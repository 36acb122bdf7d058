package dev.consentrelay.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points a {@code @QuarkusTest} at the real Apicurio Registry server (Confluent-compatible API) of this JVM. */
public class ApicurioRegistryResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("consent-relay.schema-registry.url", ApicurioRegistryExtension.startForJvm());
    }

    @Override
    public void stop() {
        // Shared registry: stopped when the test JVM exits.
    }
}
