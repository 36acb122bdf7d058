package dev.consentrelay.connector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.consentrelay.config.ConnectorsConfig.FileFormat;
import dev.consentrelay.schema.PropagationCommand;

/**
 * For vendors without an API: appends each command as one JSON line (or CSV row) to an export file under a directory,
 * forces it to disk, and then counts the command as applied. When the file would grow past {@code maxBytes} a new one
 * is started, named {@code <vendorId>-<UTC timestamp>-<sequence>.<jsonl|csv>} so names sort in writing order. Writes
 * are serialised, so lines never interleave.
 */
public final class FileExportAdapter implements VendorAdapter {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final String vendorId;
    private final FileFormat format;
    private final long maxBytes;
    private final Clock clock;
    private FileChannel channel;
    private Path current;
    private long size;
    private int sequence;

    public FileExportAdapter(Path dir, String vendorId, FileFormat format, long maxBytes, Clock clock) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("file-max-bytes must be positive");
        }
        this.dir = dir;
        this.vendorId = vendorId;
        this.format = format;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    @Override
    public String kind() {
        return "file";
    }

    @Override
    public synchronized DeliveryResult deliver(PropagationCommand command) {
        String line = (format == FileFormat.CSV ? CommandRendering.csv(command) : CommandRendering.json(command))
                + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        try {
            if (channel == null || (size > headerBytes() && size + bytes.length > maxBytes)) {
                rotate();
            }
            write(bytes);
            channel.force(false);
            return DeliveryResult.applied("written to " + current.getFileName());
        } catch (IOException e) {
            closeQuietly();
            return DeliveryResult.retry(e.getClass().getSimpleName());
        }
    }

    /** The file currently written to, if any. */
    public synchronized Path currentFile() {
        return current;
    }

    private void rotate() throws IOException {
        closeQuietly();
        Files.createDirectories(dir);
        String extension = format == FileFormat.CSV ? "csv" : "jsonl";
        Path next;
        do {
            sequence++;
            next = dir.resolve(String.format("%s-%s-%04d.%s", vendorId, STAMP.format(clock.instant()), sequence,
                    extension));
        } while (Files.exists(next));
        channel = FileChannel.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        current = next;
        size = 0;
        if (format == FileFormat.CSV) {
            write((CommandRendering.csvHeader() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private long headerBytes() {
        return format == FileFormat.CSV ? CommandRendering.csvHeader().length() + 1 : 0;
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        size += bytes.length;
    }

    private void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to flush: the last write was forced or failed
            }
            channel = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    @Override
    public String toString() {
        return "file export (" + format.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
