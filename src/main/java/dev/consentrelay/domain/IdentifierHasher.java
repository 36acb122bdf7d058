package dev.consentrelay.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns identifiers into keyed hashes: the type is kept, the value becomes {@code hmac-sha256:<hex>} of
 * {@code type:value} under the service's key. What the audit trail and an erased row keep instead of a raw identifier
 * (a hashed {@code email_sha256} is still personal data): the same identifier always gives the same keyed hash under
 * one key, so a record can still be matched by whoever holds the key, and by no one else.
 */
public final class IdentifierHasher {

    /** Prefix of every keyed hash. */
    public static final String PREFIX = "hmac-sha256:";
    /** The shortest key accepted, in bytes. */
    public static final int MIN_KEY_BYTES = 16;

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public IdentifierHasher(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the identifier key needs at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** A hasher under a fresh random key: hashes that no one can reproduce later (tests, permission checks). */
    public static IdentifierHasher random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new IdentifierHasher(key);
    }

    /** @return whether the value is a keyed hash rather than a raw identifier */
    public static boolean isKeyedHash(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The identifier with its value replaced by its keyed hash (unchanged when it already is one). */
    public SubjectIdentifier redact(SubjectIdentifier identifier) {
        if (isKeyedHash(identifier.value())) {
            return identifier;
        }
        Mac mac = macs.get();
        byte[] digest = mac.doFinal((identifier.type() + ":" + identifier.value()).getBytes(StandardCharsets.UTF_8));
        return new SubjectIdentifier(identifier.type(), PREFIX + HexFormat.of().formatHex(digest));
    }

    /** Every identifier redacted, in the same order. */
    public List<SubjectIdentifier> redact(List<SubjectIdentifier> identifiers) {
        List<SubjectIdentifier> redacted = new ArrayList<>(identifiers.size());
        identifiers.forEach(identifier -> redacted.add(redact(identifier)));
        return redacted;
    }

    /** The identifiers a vendor can match on: the raw ones, not the keyed hashes an erasure left. */
    public static List<SubjectIdentifier> raw(List<SubjectIdentifier> identifiers) {
        return identifiers.stream().filter(identifier -> !isKeyedHash(identifier.value())).toList();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
