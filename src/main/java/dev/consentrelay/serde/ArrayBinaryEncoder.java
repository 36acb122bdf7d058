package dev.consentrelay.serde;

import java.util.Arrays;

import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;

/**
 * Avro's binary encoding written straight into a growable array, which then is the serialized record: no stream in
 * between (Avro's direct encoder made a synchronized stream call for almost every byte, and a stream copies its
 * buffer out once more). A string is encoded as Avro encodes it, by the JDK's UTF-8 encoder, whose copy of a Latin-1
 * string is one vectorized check and copy: faster than copying its characters one by one into the array, even with
 * the array it allocates. The bytes are Avro's: {@code ArrayBinaryEncoderTest} compares them with Avro's encoder. One
 * per thread, reused: {@link #reset} starts the next record.
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
