package dev.consentrelay.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Name-based (version 3) UUIDs, equal to {@link UUID#nameUUIDFromBytes} of the name's UTF-8 bytes. The stream thread
 * derives several per signal (each command's id, the audit event's); {@code nameUUIDFromBytes} looks its MD5 up in
 * the security providers on every call, which cost more than the digest itself, so each thread keeps one.
 */
public final class NameUuids {

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(NameUuids::md5);

    private NameUuids() {
    }

    /** The version 3 UUID of {@code name}. */
    public static UUID uuid(String name) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        byte[] hash = md5.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) (hash[6] & 0x0f | 0x30);
        hash[8] = (byte) (hash[8] & 0x3f | 0x80);
        return new UUID(high(hash, 0), high(hash, 8));
    }

    /** The version 3 UUID of {@code name}, as text. */
    public static String of(String name) {
        return uuid(name).toString();
    }

    private static long high(byte[] bytes, int from) {
        long value = 0;
        for (int i = from; i < from + 8; i++) {
            value = value << 8 | bytes[i] & 0xff;
        }
        return value;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no MD5, which every Java platform must provide", e);
        }
    }
}
