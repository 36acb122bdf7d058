package dev.consentrelay.platform;

import java.nio.charset.StandardCharsets;

import dev.consentrelay.domain.IdentifierHasher;

/**
 * The service's keyed hash of identifiers, from {@code consent-relay.privacy.identifier-key}: read where the
 * topology is built, so a connector-only deployment needs no key.
 */
public final class IdentifierKey {

    static final String PROPERTY = "consent-relay.privacy.identifier-key";

    private IdentifierKey() {
    }

    /** The hasher for {@code key}; fails naming the property and what to set when it is missing or short. */
    public static IdentifierHasher fromKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalStateException(PROPERTY + " is not set: the audit trail and erased rows keep identifiers"
                    + " only as keyed hashes under this secret. Set it (environment variable"
                    + " CONSENT_RELAY_PRIVACY_IDENTIFIER_KEY) to a random string of at least "
                    + IdentifierHasher.MIN_KEY_BYTES + " characters, the same on every instance, e.g. the output of"
                    + " `openssl rand -base64 32`.");
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < IdentifierHasher.MIN_KEY_BYTES) {
            throw new IllegalStateException(PROPERTY + " has " + bytes.length + " bytes; it needs at least "
                    + IdentifierHasher.MIN_KEY_BYTES + " (e.g. the output of `openssl rand -base64 32`).");
        }
        return new IdentifierHasher(bytes);
    }
}
