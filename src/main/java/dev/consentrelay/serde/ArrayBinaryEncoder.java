package dev.consentrelay.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;

/**
 * Avro's binary encoding written straight into a growable array, which then is the serialized record: no stream in
 * between (Avro's direct encoder made a synchronized stream call for almost every byte, and a stream copies its
 * buffer out once more); an ASCII string's characters are copied in as its bytes, any other string is encoded by the
 * JDK's UTF-8 encoder. The bytes are Avro's: {@code ArrayBinaryEncoderTest} compares them with
 * Avro's encoder. One per thread, reused: {@link #reset} starts the next record.
 */
final class ArrayBinaryEncoder extends BinaryEncoder {

    /** The most bytes one varint-encoded long takes. */
    private static final int MAX_VARINT = 10;

    private byte[] buf;
    private int pos;

    ArrayBinaryEncoder(int initialCapacity) {
        this.buf = new byte[Math.max(initialCapacity, 16)];
    }

    /** Starts a record after {@code reserved} bytes (a header the caller fills in on the finished array). */
    void reset(int reserved) {
        ensure(reserved);
        Arrays.fill(buf, 0, reserved, (byte) 0);
        pos = reserved;
    }

    /** The bytes written since the last {@link #reset}, the reserved ones included. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** Size of the array kept between records. */
    int capacity() {
        return buf.length;
    }

    @Override
    public void writeBoolean(boolean b) {
        ensure(1);
        buf[pos++] = (byte) (b ? 1 : 0);
    }

    @Override
    public void writeInt(int n) {
        ensure(MAX_VARINT);
        pos += BinaryData.encodeInt(n, buf, pos);
    }

    @Override
    public void writeLong(long n) {
        ensure(MAX_VARINT);
        pos += BinaryData.encodeLong(n, buf, pos);
    }

    @Override
    public void writeFloat(float f) {
        ensure(Float.BYTES);
        pos += BinaryData.encodeFloat(f, buf, pos);
    }

    @Override
    public void writeDouble(double d) {
        ensure(Double.BYTES);
        pos += BinaryData.encodeDouble(d, buf, pos);
    }

    @Override
    public void writeString(String string) {
        if (string.isEmpty()) {
            writeZero();
            return;
        }
        if (writeAscii(string)) {
            return;
        }
        byte[] utf8 = string.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        writeFixed(utf8, 0, utf8.length);
    }

    /**
     * Writes an ASCII string (ids, codes, timestamps: most of what is written) straight into the array, where its
     * UTF-8 bytes are its characters: no array of its own to encode into and copy. Writes nothing and returns false at
     * the first other character.
     */
    private boolean writeAscii(String string) {
        int length = string.length();
        ensure(MAX_VARINT + length);
        int start = pos;
        int at = start + BinaryData.encodeInt(length, buf, start);
        for (int i = 0; i < length; i++) {
            char c = string.charAt(i);
            if (c >= 0x80) {
                return false;
            }
            buf[at++] = (byte) c;
        }
        pos = at;
        return true;
    }

    @Override
    public void writeFixed(byte[] bytes, int start, int len) {
        ensure(len);
        System.arraycopy(bytes, start, buf, pos, len);
        pos += len;
    }

    @Override
    protected void writeZero() {
        ensure(1);
        buf[pos++] = 0;
    }

    /** Nothing is buffered on the way to an output: the array is the output. */
    @Override
    public int bytesBuffered() {
        return 0;
    }

    @Override
    public void flush() {
        // the array is the output
    }

    private void ensure(int more) {
        if (buf.length - pos < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
