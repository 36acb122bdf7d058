package dev.consentrelay.topology;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deserialization errors. Signal topics are read as raw bytes and decoded inside the topology (so bad signals reach
 * the dead-letter topic transactionally); the only records Kafka Streams itself decodes are vendor records and the
 * topology's own internal topics. A vendor record that cannot be decoded is skipped with an error naming where it
 * is, and the previous version of that vendor stays in force.
 */
public final class SkipBadVendorRecordHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SkipBadVendorRecordHandler.class);

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        LOG.error("Skipping an undecodable record at {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), exception.getMessage());
        return DeserializationHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // Nothing to configure.
    }
}
