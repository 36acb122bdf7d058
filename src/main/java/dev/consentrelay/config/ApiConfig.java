package dev.consentrelay.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Authentication of the HTTP API with static API keys. */
@ConfigMapping(prefix = "consent-relay.api")
public interface ApiConfig {

    /**
     * API keys by name: {@code consent-relay.api.keys.<name>.key} (the secret, never logged) and
     * {@code consent-relay.api.keys.<name>.roles} ({@code ingest}, {@code read}, {@code admin}; admin implies the
     * others). The name becomes the caller's principal name.
     */
    Map<String, ApiKey> keys();

    /** One API key. */
    interface ApiKey {

        /** The secret; a key without one is ignored. */
        Optional<String> key();

        /** Roles granted to the key. */
        @WithDefault("ingest")
        List<String> roles();
    }
}
