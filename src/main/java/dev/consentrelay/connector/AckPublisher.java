package dev.consentrelay.connector;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import dev.consentrelay.config.ConnectorsConfig;
import dev.consentrelay.config.RegistryConfig;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * Publishes final acknowledgements through the {@value #CHANNEL} SmallRye Reactive Messaging channel (an idempotent
 * {@code acks=all} producer, see {@code application.properties}) to the acks topic, keyed by the command's subject id
 * with the default partitioner, so each reaches the task that decided its signal. {@link #publish} does not block:
 * its stage completes once the broker has the record, and only then may the command be committed by its feed.
 * <p>
 * The acknowledgements of one subject handed over within {@code consent-relay.connectors.ack-linger} of the first go
 * out as one record, at most {@value #MAX_PER_RECORD} each ({@link AckCoalescer}).
 * <p>
 * A failed send is retried every second until it succeeds or the publisher stops, because committing past an
 * unpublished ack would lose it. The emitter buffers what the connectors have in flight (each bounds its own), so a
 * lane never waits on the broker.
 */
@ApplicationScoped
public class AckPublisher implements AckSink {

    /** The outgoing channel of acknowledgements. */
    public static final String CHANNEL = "command-acks";
    /** Records the emitter holds while the broker has not taken them. */
    static final int BUFFER = 16_384;
    /** Acknowledgements one record carries at most. */
    static final int MAX_PER_RECORD = 64;

    private static final Logger LOG = Logger.getLogger(AckPublisher.class);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final MutinyEmitter<byte[]> emitter;
    private final String topic;
    private final SchemaRegistryClient registry;
    private final boolean autoRegister;
    private final Object firstSerialization = new Object();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ack-publish");
        thread.setDaemon(true);
        return thread;
    });
    private final AckCoalescer coalescer;
    private volatile Serializer<CommandAck> serializer;
    private volatile boolean schemaKnown;
    private volatile boolean stopped;

    @Inject
    public AckPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER,
            bufferSize = BUFFER) MutinyEmitter<byte[]> emitter, TopicsConfig topics, SchemaRegistryClient registry,
            RegistryConfig registryConfig, ConnectorsConfig connectors) {
        this.coalescer = new AckCoalescer(this::sendRecord, scheduler, connectors.ackLinger(), MAX_PER_RECORD);
        this.emitter = emitter;
        this.topic = topics.commandAcks();
        this.registry = registry;
        this.autoRegister = registryConfig.autoRegister();
    }

    /** The topic acknowledgements are published to. */
    public String topic() {
        return topic;
    }

    /** Publishes the ack, with the subject's others of the next few milliseconds; the stage completes once stored. */
    @Override
    public CompletionStage<Void> publish(String subjectId, CommandAck ack) {
        return coalescer.add(subjectId, ack);
    }

    /** Sends one record; the stage completes once the broker has it. */
    private CompletionStage<Void> sendRecord(String subjectId, CommandAck record) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        attempt(subjectId, record, stored);
        return stored;
    }

    private void attempt(String subjectId, CommandAck ack, CompletableFuture<Void> stored) {
        if (stopped) {
            stored.completeExceptionally(new IllegalStateException("acknowledgement publisher stopped"));
            return;
        }
        try {
            Message<byte[]> message = Message.of(serialize(ack)).addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(subjectId).build());
            emitter.sendMessage(message).subscribe().with(done -> stored.complete(null),
                    failure -> retry(subjectId, ack, stored, failure));
        } catch (RuntimeException e) {
            // A registry that cannot register the schema is as unavailable as a broker: retried alike.
            retry(subjectId, ack, stored, e);
        }
    }

    private void retry(String subjectId, CommandAck ack, CompletableFuture<Void> stored, Throwable failure) {
        if (stopped) {
            stored.completeExceptionally(failure);
            return;
        }
        Throwable cause = Failures.cause(failure);
        LOG.errorf("Vendor %s: cannot publish an acknowledgement (%s); retrying", ack.getVendorId(), cause);
        try {
            scheduler.schedule(() -> attempt(subjectId, ack, stored), RETRY_BACKOFF.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            stored.completeExceptionally(failure);
        }
    }

    /**
     * Sends what is still lingering, then stops retrying: acknowledgements not yet stored stay unpublished, their
     * commands uncommitted, delivered again by the next run.
     */
    @PreDestroy
    void stop() {
        coalescer.flush();
        stopped = true;
        scheduler.shutdownNow();
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
