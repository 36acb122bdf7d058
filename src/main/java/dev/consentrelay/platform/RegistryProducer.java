package dev.consentrelay.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.consentrelay.config.RegistryConfig;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.serde.SchemaRegistryClients;
import dev.consentrelay.serde.SchemaRegistryConfig;

/** The one schema registry client of the application, shared by every serde. */
@ApplicationScoped
public class RegistryProducer {

    private static final Logger LOG = Logger.getLogger(RegistryProducer.class);

    @Produces
    @Singleton
    SchemaRegistryClient registry(RegistryConfig config) {
        SchemaRegistryConfig settings = new SchemaRegistryConfig(config.url(),
                config.basicAuthUser().orElse(null), config.basicAuthPassword().orElse(null),
                config.trustStorePath().orElse(null), config.trustStorePassword().orElse(null),
                config.trustStoreType().orElse(null), config.connectTimeout(), config.requestTimeout(),
                config.maxRetries(), config.retryBackoff(), config.autoRegister());
        LOG.infof("Schema registry: %s%s", config.url(), config.basicAuthUser().isPresent() ? " (basic auth)" : "");
        return SchemaRegistryClients.create(settings);
    }

    void close(@Disposes SchemaRegistryClient client) {
        client.close();
    }
}
