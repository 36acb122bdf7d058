package dev.consentrelay.connector;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import dev.consentrelay.schema.CommandAck;

/**
 * Publishes final acknowledgements to the acks topic, keyed by the command's signalId (the tracking side groups a
 * signal's acks by it), with an idempotent {@code acks=all} producer. {@link #publish} returns only once the broker
 * has the record, so the command's offset may then be committed; a failed send is retried until it succeeds or the
 * connector stops, because committing past an unpublished ack would lose it.
 * <p>
 * A plain {@link KafkaProducer} rather than a SmallRye {@code Emitter}: emitters are bound to channels declared at
 * build time, while vendors are configured at run time, and the lane thread must block on the broker's answer before
 * its offset counts as done — a synchronous {@code send().get()} says that directly.
 */
public final class AckPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AckPublisher.class);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final Producer<String, CommandAck> producer;
    private final String topic;
    private final Object firstSend = new Object();
    private volatile boolean schemaKnown;

    public AckPublisher(Producer<String, CommandAck> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** An idempotent producer from the application's client settings. */
    public static AckPublisher create(Map<String, Object> clientConfig, Serializer<CommandAck> serializer,
            String topic) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "consent-relay-connector-acks");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new AckPublisher(new KafkaProducer<>(config, new StringSerializer(), serializer), topic);
    }

    /** Publishes the ack and waits until the broker has it. */
    public void publish(CommandAck ack) throws InterruptedException {
        String key = ack.getSignalId() == null ? null : ack.getSignalId().toString();
        ProducerRecord<String, CommandAck> record = new ProducerRecord<>(topic, key, ack);
        while (true) {
            try {
                if (schemaKnown) {
                    producer.send(record).get();
                } else {
                    // The first send registers the schema; lanes racing to register it upset some registries.
                    synchronized (firstSend) {
                        producer.send(record).get();
                        schemaKnown = true;
                    }
                }
                return;
            } catch (ExecutionException e) {
                LOG.errorf("Vendor %s: cannot publish an acknowledgement (%s); retrying", ack.getVendorId(),
                        e.getCause() == null ? e : e.getCause());
                Thread.sleep(RETRY_BACKOFF.toMillis());
            } catch (RuntimeException e) {
                LOG.errorf("Vendor %s: cannot publish an acknowledgement (%s); retrying", ack.getVendorId(), e);
                Thread.sleep(RETRY_BACKOFF.toMillis());
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
