package dev.consentrelay.connector;

import java.time.Duration;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.consentrelay.config.RegistryConfig;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * Publishes final acknowledgements through the {@value #CHANNEL} SmallRye Reactive Messaging channel (an idempotent
 * {@code acks=all} producer, see {@code application.properties}) to the acks topic, keyed by the command's subjectId
 * with the default partitioner, so each reaches the task that decided its signal. {@link #publish} returns only once
 * the broker has the record, so
 * the command's message may then be acknowledged to its own channel and committed; a failed send is retried until it
 * succeeds or the connector stops, because committing past an unpublished ack would lose it.
 */
@ApplicationScoped
public class AckPublisher implements AckSink {

    /** The outgoing channel of acknowledgements. */
    public static final String CHANNEL = "command-acks";

    private static final Logger LOG = Logger.getLogger(AckPublisher.class);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final MutinyEmitter<byte[]> emitter;
    private final String topic;
    private final SchemaRegistryClient registry;
    private final boolean autoRegister;
    private final Object firstSerialization = new Object();
    private volatile Serializer<CommandAck> serializer;
    private volatile boolean schemaKnown;

    @Inject
    public AckPublisher(@Channel(CHANNEL) MutinyEmitter<byte[]> emitter, TopicsConfig topics,
            SchemaRegistryClient registry, RegistryConfig registryConfig) {
        this.emitter = emitter;
        this.topic = topics.commandAcks();
        this.registry = registry;
        this.autoRegister = registryConfig.autoRegister();
    }

    /** The topic acknowledgements are published to. */
    public String topic() {
        return topic;
    }

    /** Publishes the ack and waits until the broker has it. */
    @Override
    public void publish(String subjectId, CommandAck ack) throws InterruptedException {
        while (true) {
            try {
                Message<byte[]> message = Message.of(serialize(ack)).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(subjectId).build());
                emitter.sendMessageAndAwait(message);
                return;
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                    throw new InterruptedException("stopped while publishing an acknowledgement");
                }
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                LOG.errorf("Vendor %s: cannot publish an acknowledgement (%s); retrying", ack.getVendorId(), cause);
                Thread.sleep(RETRY_BACKOFF.toMillis());
            }
        }
    }

    private byte[] serialize(CommandAck ack) {
        if (schemaKnown) {
            return serializer().serialize(topic, ack);
        }
        // The first serialization registers the schema; lanes racing to register it upset some registries.
        synchronized (firstSerialization) {
            byte[] bytes = serializer().serialize(topic, ack);
            schemaKnown = true;
            return bytes;
        }
    }

    private Serializer<CommandAck> serializer() {
        Serializer<CommandAck> current = serializer;
        if (current == null) {
            current = AvroSerde.forClass(CommandAck.class, registry, false, autoRegister).serializer();
            serializer = current;
        }
        return current;
    }
}
