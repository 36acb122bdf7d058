package dev.consentrelay.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring links to the preference centre, as unsubscribe links are: the token is an HMAC-SHA256 of the
 * subject id and the expiry under a key of the service's own (derived from the identifier key, so every instance
 * checks every link), so a page opened from a link can act for that one subject and no other, and only until the
 * link expires. Nothing about the subject is guessable from another subject's link.
 */
public final class PreferenceLinks {

    private final SecretKeySpec key;

    /** @param identifierKey the service's identifier key; the link key is derived from it */
    public PreferenceLinks(byte[] identifierKey) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(identifierKey, "HmacSHA256"),
                "consent-relay preference links"), "HmacSHA256");
    }

    /** A link's query: {@code s} (the subject), {@code e} (expiry, epoch seconds) and {@code t} (the token). */
    public record Link(String subjectId, long expiresAt, String token) {

        /** The page's address for this link, relative to the service's root. */
        public String path() {
            return "/preferences/?s=" + java.net.URLEncoder.encode(subjectId, StandardCharsets.UTF_8) + "&e="
                    + expiresAt + "&t=" + token;
        }
    }

    /** A link for the subject, valid until {@code expiresAt}. */
    public Link sign(String subjectId, Instant expiresAt) {
        long expiry = expiresAt.getEpochSecond();
        return new Link(subjectId, expiry, token(subjectId, expiry));
    }

    /** Why the link cannot be used, or {@code null} when it is genuine and not expired. */
    public String problem(String subjectId, String expiresAt, String token, Instant now) {
        if (subjectId == null || subjectId.isBlank() || expiresAt == null || token == null) {
            return "this page opens from a preference link (with s, e and t); ask for a new link";
        }
        long expiry;
        try {
            expiry = Long.parseLong(expiresAt);
        } catch (NumberFormatException e) {
            return "this preference link is damaged; ask for a new link";
        }
        if (!MessageDigest.isEqual(token(subjectId, expiry).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII))) {
            return "this preference link is not valid; ask for a new link";
        }
        if (now.getEpochSecond() >= expiry) {
            return "this preference link expired at " + Instant.ofEpochSecond(expiry) + "; ask for a new link";
        }
        return null;
    }

    private String token(String subjectId, long expiry) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, subjectId + "\n" + expiry));
    }

    private static byte[] hmac(SecretKeySpec key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
