package dev.consentrelay.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The instance-to-instance channel: a port of its own on which one instance asks another (the owner of a key) a
 * query, authenticated by a credential of the service's own, never the caller's.
 */
@ConfigMapping(prefix = "consent-relay.internal")
public interface InternalConfig {

    /** Port of the instance-to-instance listener ({@code 0}: any free port); advertised in application.server. */
    @WithDefault("9091")
    int port();

    /** Interface the listener binds to. */
    @WithDefault("0.0.0.0")
    String host();

    /**
     * The shared secret every instance presents to the others (at least 16 characters, the same on every instance).
     * Unset: a random one per process, enough for a single instance, but then no query can be forwarded.
     */
    Optional<String> token();

    /** PKCS#12 key store of the listener's TLS certificate; unset: plain HTTP (keep the port on a private network). */
    Optional<String> keyStorePath();

    /** Password of the key store. */
    Optional<String> keyStorePassword();

    /** PKCS#12 trust store for the other instances' certificates; unset with TLS: the JDK's default trust. */
    Optional<String> trustStorePath();

    /** Password of the trust store. */
    Optional<String> trustStorePassword();
}
