package dev.consentrelay.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds dead-letter records: the original bytes, the original headers and the reason in {@code dlq.*} headers. */
public final class DeadLetters {

    /** Why the record was refused, in words a producer can act on. */
    public static final String REASON = "dlq.reason";
    /** Class of the error that refused the record. */
    public static final String ERROR_CLASS = "dlq.error.class";
    /** Topic the record was read from. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    /** Partition the record was read from. */
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    /** Offset the record was read from. */
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    /** When the record was refused (ISO-8601). */
    public static final String FAILED_AT = "dlq.failed.at";

    private DeadLetters() {
    }

    /** The dead letter of one input record. */
    public static Outbound.DeadLetter of(byte[] key, byte[] value, Headers original, RecordMetadata source,
            String reason, String errorClass, Instant now) {
        RecordHeaders headers = new RecordHeaders();
        if (original != null) {
            for (Header header : original) {
                if (!header.key().startsWith("dlq.")) {
                    headers.add(header);
                }
            }
        }
        add(headers, REASON, reason);
        add(headers, ERROR_CLASS, errorClass);
        if (source != null) {
            add(headers, SOURCE_TOPIC, source.topic());
            add(headers, SOURCE_PARTITION, String.valueOf(source.partition()));
            add(headers, SOURCE_OFFSET, String.valueOf(source.offset()));
        }
        add(headers, FAILED_AT, now.toString());
        return new Outbound.DeadLetter(key, value, headers);
    }

    /** The value of a header as text, or {@code null}. */
    public static String header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(RecordHeaders headers, String key, String value) {
        headers.add(key, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }
}
