package dev.consentrelay.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the service reaches the schema registry (Confluent Schema Registry REST API). */
@ConfigMapping(prefix = "consent-relay.schema-registry")
public interface RegistryConfig {

    /**
     * Base URL of the registry's Confluent-compatible API, e.g. {@code http://registry:8081} or Apicurio's
     * {@code http://registry:8080/apis/ccompat/v7}. {@code mem://<name>} selects an in-memory registry (the embedded
     * run mode sets this when nothing is configured).
     */
    @WithDefault("mem://embedded")
    String url();

    /** User for HTTP basic authentication to the registry. */
    Optional<String> basicAuthUser();

    /** Password for HTTP basic authentication to the registry. Never logged. */
    Optional<String> basicAuthPassword();

    /** Trust store (PKCS12 or JKS) for TLS to the registry; the JDK's default trust when unset. */
    Optional<String> trustStorePath();

    /** Password of the trust store. */
    Optional<String> trustStorePassword();

    /** Type of the trust store: {@code PKCS12} or {@code JKS}. */
    Optional<String> trustStoreType();

    /** TCP connect timeout. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Timeout of one registry request. */
    @WithDefault("10s")
    Duration requestTimeout();

    /** Retries after a connection error or a 5xx answer. */
    @WithDefault("3")
    int maxRetries();

    /** Delay before the first retry; doubled on each further retry. */
    @WithDefault("200ms")
    Duration retryBackoff();

    /** Whether the service registers its schemas on first use, or only looks up ids registered beforehand. */
    @WithDefault("true")
    boolean autoRegister();
}
