package dev.consentrelay.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Authentication of the HTTP API: static API keys and, where configured, OIDC bearer tokens. */
@ConfigMapping(prefix = "consent-relay.api")
public interface ApiConfig {

    /**
     * API keys by name: {@code consent-relay.api.keys.<name>.key} (the secret, never logged) and
     * {@code consent-relay.api.keys.<name>.roles} ({@code ingest}, {@code read}, {@code admin}; admin implies the
     * others). The name becomes the caller's principal name.
     */
    Map<String, ApiKey> keys();

    /** Roles of callers who present an OIDC access token (the provider itself is {@code quarkus.oidc.*}). */
    Oidc oidc();

    /** One API key. */
    interface ApiKey {

        /** The secret; a key without one is ignored. */
        Optional<String> key();

        /** Roles granted to the key. */
        @WithDefault("ingest")
        List<String> roles();
    }

    /**
     * Access tokens from an OIDC provider, sent as {@code Authorization: Bearer <jwt>}, are verified by quarkus-oidc
     * ({@code quarkus.oidc.auth-server-url}, {@code quarkus.oidc.token.audience}); this maps what their roles claim
     * says onto this service's roles.
     */
    interface Oidc {

        /**
         * Maps a value of the roles claim ({@code quarkus.oidc.roles.role-claim-path}) onto this service's roles, e.g.
         * {@code consent-relay.api.oidc.role-mapping."privacy-team"=read,admin}. A value without a mapping grants
         * nothing; admin implies the other roles.
         */
        Map<String, List<String>> roleMapping();
    }
}
