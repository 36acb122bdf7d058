package dev.consentrelay.serde;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a schema registry.
 *
 * @param url base URL of the Confluent-compatible API, e.g. {@code http://registry:8081} or Apicurio's
 *        {@code http://registry:8080/apis/ccompat/v7}; {@code mem://<name>} selects a shared in-memory registry
 * @param basicAuthUser user for HTTP basic authentication, or {@code null} for none
 * @param basicAuthPassword password for HTTP basic authentication, or {@code null}
 * @param trustStorePath trust store for TLS to the registry, or {@code null} for the JDK default trust
 * @param trustStorePassword trust store password, or {@code null}
 * @param trustStoreType trust store type ({@code PKCS12}, {@code JKS}), or {@code null} for the JDK default type
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout timeout of one HTTP request
 * @param maxRetries retries after a connection error or a 5xx answer (0 = try once)
 * @param retryBackoff delay before the first retry; doubles on each further retry
 * @param autoRegister whether serializers register schemas on first use, or only look up their ids
 */
public record SchemaRegistryConfig(String url, String basicAuthUser, String basicAuthPassword,
        String trustStorePath, String trustStorePassword, String trustStoreType, Duration connectTimeout,
        Duration requestTimeout, int maxRetries, Duration retryBackoff, boolean autoRegister) {

    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default request timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default number of retries. */
    public static final int DEFAULT_MAX_RETRIES = 3;
    /** Default delay before the first retry. */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);

    public SchemaRegistryConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
        }
        if ((basicAuthUser == null) != (basicAuthPassword == null)) {
            throw new IllegalArgumentException("basic auth needs both a user and a password");
        }
    }

    /** A configuration with no authentication, default trust, default timeouts and retries, and auto-registration. */
    public static SchemaRegistryConfig of(String url) {
        return new SchemaRegistryConfig(url, null, null, null, null, null, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_RETRY_BACKOFF, true);
    }

    public SchemaRegistryConfig withBasicAuth(String user, String password) {
        return new SchemaRegistryConfig(url, user, password, trustStorePath, trustStorePassword, trustStoreType,
                connectTimeout, requestTimeout, maxRetries, retryBackoff, autoRegister);
    }

    public SchemaRegistryConfig withTrustStore(String path, String password, String type) {
        return new SchemaRegistryConfig(url, basicAuthUser, basicAuthPassword, path, password, type, connectTimeout,
                requestTimeout, maxRetries, retryBackoff, autoRegister);
    }

    public SchemaRegistryConfig withTimeouts(Duration connect, Duration request) {
        return new SchemaRegistryConfig(url, basicAuthUser, basicAuthPassword, trustStorePath, trustStorePassword,
                trustStoreType, connect, request, maxRetries, retryBackoff, autoRegister);
    }

    public SchemaRegistryConfig withRetries(int retries, Duration backoff) {
        return new SchemaRegistryConfig(url, basicAuthUser, basicAuthPassword, trustStorePath, trustStorePassword,
                trustStoreType, connectTimeout, requestTimeout, retries, backoff, autoRegister);
    }

    public SchemaRegistryConfig withAutoRegister(boolean enabled) {
        return new SchemaRegistryConfig(url, basicAuthUser, basicAuthPassword, trustStorePath, trustStorePassword,
                trustStoreType, connectTimeout, requestTimeout, maxRetries, retryBackoff, enabled);
    }

    /** Masks the secrets, so the configuration can be logged. */
    @Override
    public String toString() {
        return "SchemaRegistryConfig[url=" + url + ", basicAuthUser=" + basicAuthUser + ", basicAuthPassword="
                + mask(basicAuthPassword) + ", trustStorePath=" + trustStorePath + ", trustStorePassword="
                + mask(trustStorePassword) + ", trustStoreType=" + trustStoreType + ", connectTimeout="
                + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries
                + ", retryBackoff=" + retryBackoff + ", autoRegister=" + autoRegister + "]";
    }

    private static String mask(String secret) {
        return secret == null ? null : "****";
    }
}
