package dev.consentrelay.reliability;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * Publishes signals keyed by subject, as a platform would: idempotent, {@code acks=all}, and patient enough to ride
 * out a broker restart without dropping or reordering anything (per subject, publication order is the order the
 * reference folds in).
 */
final class SignalProducer implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerde<ConsentSignal> serde;
    private final Serializer<ConsentSignal> serializer;
    private long sent;

    SignalProducer(String bootstrapServers, SchemaRegistryClient registry) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
        this.serializer = serde.serializer();
    }

    /** The Confluent wire format of a signal, as the project's serializer writes it. */
    byte[] encode(Signal signal) {
        return serializer.serialize(Verifier.TOPICS.signals(), AvroMapper.toAvro(signal));
    }

    void send(Signal signal) {
        sendRaw(signal.subjectId(), encode(signal));
    }

    void sendAll(List<Signal> signals) {
        signals.forEach(this::send);
    }

    /** Any bytes at all, as a misbehaving producer would publish them. */
    void sendRaw(String key, byte[] value) {
        producer.send(new ProducerRecord<>(Verifier.TOPICS.signals(), key, value), (metadata, error) -> {
            if (error != null) {
                throw new IllegalStateException("A signal was not published", error);
            }
        });
        sent++;
    }

    long sent() {
        return sent;
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(30));
        serde.close();
    }

    static void await(java.util.concurrent.Future<?> future) {
        try {
            future.get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
