package dev.consentrelay.config;

import java.time.Duration;
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

    /** OIDC bearer tokens (JWT access tokens); off unless {@code consent-relay.api.oidc.jwks-url} is set. */
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
     * Access tokens issued by an OIDC provider, sent as {@code Authorization: Bearer <jwt>}: the signature is verified
     * with the provider's published keys, then issuer, expiry and (when configured) audience are checked.
     */
    interface Oidc {

        /**
         * The provider's JWKS endpoint (its discovery document's {@code jwks_uri}, e.g.
         * {@code https://sso.example.com/realms/privacy/protocol/openid-connect/certs}). Unset: OIDC is off and only
         * API keys authenticate.
         */
        Optional<String> jwksUrl();

        /** The issuer ({@code iss}) tokens must carry; required when {@code jwks-url} is set. */
        Optional<String> issuer();

        /** Audiences accepted: a token's {@code aud} must name one of them. Unset: the audience is not checked. */
        Optional<List<String>> audience();

        /**
         * The claim holding the caller's roles: a top-level claim ({@code groups}), or a dotted path into nested
         * claims ({@code realm_access.roles} for Keycloak realm roles). A list, or a space- or comma-separated string.
         */
        @WithDefault("groups")
        String rolesClaim();

        /**
         * Maps a value of the roles claim onto this service's roles, e.g.
         * {@code consent-relay.api.oidc.role-mapping."privacy-team"=read,admin}. Values without a mapping are taken
         * as roles themselves ({@code ingest}, {@code read}, {@code admin}; admin implies the others).
         */
        Map<String, List<String>> roleMapping();

        /** Clock skew tolerated when checking {@code exp} and {@code nbf}. */
        @WithDefault("30S")
        Duration clockSkew();

        /**
         * How long fetched keys are kept when the provider sends no caching headers. A token signed with a key id not
         * in the cache makes the keys be fetched again at once (key rotation).
         */
        @WithDefault("10M")
        Duration jwksCacheDuration();
    }
}
