package dev.consentrelay.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.consentrelay.config.InternalConfig;

/**
 * The credentials of the instance-to-instance channel: the shared token instances present to each other on the
 * internal port, and a per-process secret with which the internal listener hands a checked request to this process's
 * own API over loopback. Neither is ever the caller's credential, and neither is logged.
 */
@ApplicationScoped
public class InstanceCredentials {

    /** Header carrying the shared token, on the internal port. */
    public static final String TOKEN_HEADER = "X-Consent-Relay-Instance";
    /** Header carrying the per-process secret, from the internal listener to this process's API over loopback. */
    public static final String LOOPBACK_HEADER = "X-Consent-Relay-Internal";
    /** The shortest accepted token. */
    static final int MIN_TOKEN_LENGTH = 16;

    private static final Logger LOG = Logger.getLogger(InstanceCredentials.class);

    private final InternalConfig config;

    private String token;
    private String loopbackSecret;
    private SSLContext clientTls;

    @Inject
    public InstanceCredentials(InternalConfig config) {
        this.config = config;
    }

    @PostConstruct
    void init() {
        loopbackSecret = random();
        token = config.token().filter(t -> !t.isBlank()).orElse(null);
        if (token == null) {
            token = random();
            LOG.warn("consent-relay.internal.token is not set: this instance answers its own queries but cannot"
                    + " forward one to another instance; set the same token on every instance");
        } else if (token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalStateException("consent-relay.internal.token has " + token.length()
                    + " characters; it needs at least " + MIN_TOKEN_LENGTH + " (e.g. `openssl rand -base64 32`)");
        }
        clientTls = tls() ? clientContext() : null;
    }

    /** Whether the internal channel speaks TLS. */
    public boolean tls() {
        return config.keyStorePath().isPresent();
    }

    /** The scheme of the internal channel. */
    public String scheme() {
        return tls() ? "https" : "http";
    }

    /** The token to present to another instance. */
    public String token() {
        return token;
    }

    /** Whether {@code presented} is the shared token (compared in constant time). */
    public boolean isToken(String presented) {
        return matches(token, presented);
    }

    /** The per-process secret the internal listener adds when it hands a request to this process's API. */
    public String loopbackSecret() {
        return loopbackSecret;
    }

    /** Whether {@code presented} is this process's loopback secret (compared in constant time). */
    public boolean isLoopbackSecret(String presented) {
        return matches(loopbackSecret, presented);
    }

    /** The TLS context for calls to other instances, {@code null} without TLS. */
    public SSLContext clientTls() {
        return clientTls;
    }

    private SSLContext clientContext() {
        try {
            if (config.trustStorePath().isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(Path.of(config.trustStorePath().get()))) {
                trust.load(in, config.trustStorePassword().map(String::toCharArray).orElse(null));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), new SecureRandom());
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read consent-relay.internal.trust-store-path "
                    + config.trustStorePath().orElse("") + ": " + e.getMessage(), e);
        }
    }

    private static boolean matches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
