package dev.consentrelay.domain;

import java.util.Set;
import java.util.TreeSet;

/**
 * The identifier types a signal may carry. Contact data travels only hashed: a type ending in {@code _sha256} holds a
 * SHA-256 digest (64 hex digits), never the address itself, so a plain e-mail sent as {@code email_sha256} is refused
 * rather than stored and fanned out.
 */
public final class IdentifierTypes {

    /** Every type a vendor can match a subject on. */
    public static final Set<String> KNOWN = Set.of("account_id", "cookie_id", "crm_id", "device_id", "email_sha256",
            "idfa", "gaid", "maid", "phone_sha256");

    private IdentifierTypes() {
    }

    /** @return the problem with this identifier, or {@code null} when its type is known and its value fits it */
    public static String problem(SubjectIdentifier identifier) {
        if (!KNOWN.contains(identifier.type())) {
            return "identifier type '" + identifier.type() + "' is not one of " + String.join(", ",
                    new TreeSet<>(KNOWN));
        }
        if (isHashed(identifier.type()) && !Syntax.isSha256Hex(identifier.value())) {
            return "a " + identifier.type() + " value is a SHA-256 digest: 64 hex digits (hash the normalised"
                    + " address before sending it)";
        }
        return null;
    }

    /** @return whether values of this type are digests of contact data */
    public static boolean isHashed(String type) {
        return type.endsWith("_sha256");
    }
}
