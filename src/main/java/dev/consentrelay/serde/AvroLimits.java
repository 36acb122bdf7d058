package dev.consentrelay.serde;

import org.apache.avro.SystemLimitException;

/**
 * Bounds on what one Avro record may claim, set before Avro first decodes: a string, a byte array or a collection
 * whose declared length exceeds them fails the decode (a dead letter) instead of allocating what the length says
 * (a 10-byte record claiming a 2 GiB string would otherwise be an {@link OutOfMemoryError}, and the restarted service
 * would read the same record again). Avro reads the limits once, from system properties; a value set on the command
 * line ({@code -Dorg.apache.avro.limits.string.maxLength=...}) wins.
 */
public final class AvroLimits {

    /** Longest string: well above any field of this product (identifiers, reasons, details). */
    public static final int MAX_STRING_LENGTH = 1 << 20;
    /** Longest byte array. */
    public static final int MAX_BYTES_LENGTH = 1 << 20;
    /** Most items of one array or map (identifiers, a decision's commands, a row's recent signals). */
    public static final int MAX_COLLECTION_ITEMS = 10_000;

    private AvroLimits() {
    }

    /** Sets the limits unless already configured; call before the first decode. */
    public static void apply() {
        setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_STRING_LENGTH);
        setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_BYTES_LENGTH);
        setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION_ITEMS);
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, String.valueOf(value));
        }
    }
}
