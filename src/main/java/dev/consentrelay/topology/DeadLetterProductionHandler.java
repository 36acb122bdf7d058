package dev.consentrelay.topology;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors writing an output record. A record the broker will never accept (too large for the topic, invalid) or that
 * cannot be serialized is not retried forever: its <em>source</em> record (the signal that caused it, original
 * bytes) goes to the dead-letter topic with the reason, and processing continues. Every other error fails the task,
 * which then retries from its last commit.
 * <p>
 * Under exactly-once this is a last resort: a record the broker refuses leaves the transaction in error whatever
 * the handler answers, so the task aborts and meets the same record again. The topology therefore checks its outputs
 * against the topics' {@code max.message.bytes} before sending them ({@link OutputLimits}); this handler covers what
 * that check cannot see, and at-least-once processing.
 * <p>
 * Configured through the Kafka Streams properties: {@value #DEAD_LETTER_TOPIC_CONFIG} names the dead-letter topic;
 * the client settings ({@code bootstrap.servers}, security) are those of the application.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

    /** Kafka Streams property naming the dead-letter topic. */
    public static final String DEAD_LETTER_TOPIC_CONFIG = "consent-relay.dead-letter-topic";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);

    private String topic = TopicNames.defaults().deadLetters();
    private Consumer<ProducerRecord<byte[], byte[]>> sender;
    private KafkaProducer<byte[], byte[]> producer;

    public DeadLetterProductionHandler() {
    }

    /** For tests: sends dead letters to {@code sender} instead of Kafka. */
    DeadLetterProductionHandler(String topic, Consumer<ProducerRecord<byte[], byte[]>> sender) {
        this.topic = topic;
        this.sender = sender;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object configured = configs.get(DEAD_LETTER_TOPIC_CONFIG);
        if (configured != null) {
            topic = configured.toString();
        }
        Map<String, Object> producerConfig = new HashMap<>();
        configs.forEach((key, value) -> {
            if (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) || key.startsWith("security.")
                    || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                producerConfig.put(key, value);
            }
        });
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "consent-relay-dead-letters");
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        sender = record -> {
            synchronized (this) {
                if (producer == null) {
                    producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                            new ByteArraySerializer());
                }
            }
            try {
                producer.send(record).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot write to the dead-letter topic " + topic, e);
            }
        };
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        if (exception instanceof RecordTooLargeException || exception instanceof InvalidRecordException) {
            return deadLetter(context, record.topic(), exception);
        }
        LOG.error("Writing to {} failed; the task will retry from its last commit: {}", record.topic(),
                exception.toString());
        return ProductionExceptionHandlerResponse.FAIL;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context,
            ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
        return deadLetter(context, record.topic(), exception);
    }

    private ProductionExceptionHandlerResponse deadLetter(ErrorHandlerContext context, String outputTopic,
            Exception exception) {
        String reason = "Output to " + outputTopic + " refused: " + exception.getMessage();
        RecordMetadata source = new SourceMetadata(context.topic(), context.partition(), context.offset());
        Outbound.DeadLetter letter = DeadLetters.of(context.sourceRawKey(), context.sourceRawValue(),
                context.headers(), source, reason, exception.getClass().getName(), Instant.now());
        try {
            sender.accept(new ProducerRecord<>(topic, null, letter.key(), letter.value(), letter.headers()));
        } catch (RuntimeException e) {
            LOG.error("Cannot dead-letter the source of a refused output record ({}); failing the task instead",
                    e.getMessage());
            return ProductionExceptionHandlerResponse.FAIL;
        }
        LOG.warn("Source record {}-{}@{} sent to the dead-letter topic: {}", context.topic(), context.partition(),
                context.offset(), reason);
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    private record SourceMetadata(String topic, int partition, long offset) implements RecordMetadata {
    }
}
