package dev.consentrelay.domain;

/**
 * A typed identifier a vendor can match a subject on.
 *
 * @param type
 *            for example {@code email_sha256}, {@code phone_sha256}, {@code device_id}, {@code crm_id}
 * @param value
 *            the value, hashed where it is contact data
 */
public record SubjectIdentifier(String type, String value) {
}
