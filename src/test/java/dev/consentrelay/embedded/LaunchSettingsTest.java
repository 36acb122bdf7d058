package dev.consentrelay.embedded;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LaunchSettingsTest {

    @Test
    void shouldPreferSystemPropertyOverEnvironmentOverFiles() {
        Properties system = new Properties();
        system.setProperty("kafka.bootstrap.servers", "from-system:9092");
        LaunchSettings settings = new LaunchSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "from-env:9092"), system,
                List.of(file("kafka.bootstrap.servers", "from-file:9092")), "prod");

        assertThat(settings.get("kafka.bootstrap.servers")).contains("from-system:9092");
    }

    @Test
    void shouldReadEnvironmentVariableNamedAfterTheProperty() {
        LaunchSettings settings = new LaunchSettings(Map.of("CONSENT_RELAY_EMBEDDED_DATA_DIR", "/srv/data"),
                new Properties(), List.of(), "prod");

        assertThat(settings.get("consent-relay.embedded.data-dir")).contains("/srv/data");
    }

    @Test
    void shouldPreferProfileSpecificKeyInAFile() {
        Properties file = file("kafka.bootstrap.servers", "plain:9092");
        file.setProperty("%prod.kafka.bootstrap.servers", "prod:9092");
        LaunchSettings settings = new LaunchSettings(Map.of(), new Properties(), List.of(file), "prod");

        assertThat(settings.get("kafka.bootstrap.servers")).contains("prod:9092");
    }

    @Test
    void shouldTreatBlankValueAsNotConfigured() {
        Properties system = new Properties();
        system.setProperty("kafka.bootstrap.servers", "  ");
        LaunchSettings settings = new LaunchSettings(Map.of(), system, List.of(), "prod");

        assertThat(settings.get("kafka.bootstrap.servers")).isEmpty();
    }

    @Test
    void shouldNotStartEmbeddedBrokerWhenKafkaIsConfigured() {
        LaunchSettings settings = new LaunchSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092"),
                new Properties(), List.of(), "prod");

        assertThat(EmbeddedMode.startIfNoKafkaConfigured(settings)).isEmpty();
    }

    private static Properties file(String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        return properties;
    }
}
