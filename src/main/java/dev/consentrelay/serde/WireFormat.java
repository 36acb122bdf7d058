package dev.consentrelay.serde;

/** The Confluent Schema Registry wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary. */
public final class WireFormat {

    /** First byte of every record. */
    public static final byte MAGIC_BYTE = 0;
    /** Bytes before the Avro payload: the magic byte and the schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Subject of a topic under the topic-name strategy: {@code <topic>-key} or {@code <topic>-value}. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /** Whether {@code data} starts with the magic byte and a schema id. */
    public static boolean isFramed(byte[] data) {
        return data != null && data.length >= HEADER_SIZE && data[0] == MAGIC_BYTE;
    }

    /** The schema id of a record in wire format (the caller has checked the length and magic byte). */
    public static int schemaId(byte[] data) {
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }

    static void writeHeader(byte[] target, int schemaId) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }
}
