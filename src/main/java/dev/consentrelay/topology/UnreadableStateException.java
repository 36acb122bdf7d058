package dev.consentrelay.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * A value in a state store that cannot be decoded: the bytes were written with a schema the registry no longer has
 * under that id, or they are corrupt. Dropping the value would forget what it holds (a consent row holds refusals), so
 * this is never skipped: the service stops and says what to do ({@link #getMessage()}). The key is named by a short
 * SHA-256 fingerprint, since subject ids are personal data and stay out of logs.
 */
public final class UnreadableStateException extends StreamsException {

    private static final long serialVersionUID = 1L;

    private final String store;

    /** What an operator does about a value that cannot be decoded, whichever store holds it. */
    public static final String WHAT_TO_DO = "The service stops rather than drop it. If the schema registry that wrote"
            + " it was replaced or lost (in the embedded mode: the topic _consent-relay-schemas), restore it; if the"
            + " state itself is damaged, stop the service, delete the state directory (kafka-streams.state.dir) and"
            + " start again to rebuild the store from its changelog.";

    UnreadableStateException(String store, String keyDescription, SerializationException cause) {
        super("State store '" + store + "' holds a value it cannot decode (" + keyDescription + "): "
                + cause.getMessage() + ". " + WHAT_TO_DO, cause);
        this.store = store;
    }

    /** The store that holds the value. */
    public String store() {
        return store;
    }

    /** Reads one value, turning a decoding failure into this exception, with the key's fingerprint. */
    static <V> V read(String store, String key, Supplier<V> read) {
        try {
            return read.get();
        } catch (SerializationException e) {
            throw new UnreadableStateException(store, "key sha256:" + fingerprint(key), e);
        }
    }

    /** Reads the next entry of a scan, turning a decoding failure into this exception, naming the scan's position. */
    static <V> V readNext(String store, String previousKey, Supplier<V> next) {
        try {
            return next.get();
        } catch (SerializationException e) {
            throw new UnreadableStateException(store, previousKey == null
                    ? "first entry of a scan"
                    : "entry after key sha256:" + fingerprint(previousKey), e);
        }
    }

    static String fingerprint(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
