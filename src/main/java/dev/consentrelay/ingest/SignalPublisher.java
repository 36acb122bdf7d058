package dev.consentrelay.ingest;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.config.IngestConfig;
import dev.consentrelay.config.RegistryConfig;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.serde.AvroSerializer;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * Publishes validated signals to Kafka and waits for the acknowledgement, so that the HTTP answer is sent only once
 * the record is stored. GPC signals go to the GPC topic, every other kind to the signals topic; the key is the
 * subject. The value is the Avro {@code ConsentSignal} in the Confluent wire format, serialized here with the
 * project's serializer (the channel only moves bytes), so the schema registry is the same one the topology reads
 * with.
 */
@Singleton
public class SignalPublisher {

    /** The outgoing channel of the ingest. */
    public static final String CHANNEL = "signals-out";

    private static final Logger LOG = Logger.getLogger(SignalPublisher.class);

    private final Emitter<byte[]> emitter;
    private final Serializer<ConsentSignal> serializer;
    private final String signalsTopic;
    private final String gpcTopic;
    private final Duration timeout;
    private final RecentSignalIds recent;

    @Inject
    public SignalPublisher(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER,
                    bufferSize = 4096) Emitter<byte[]> emitter,
            SchemaRegistryClient registry, RegistryConfig registryConfig,
            TopicsConfig topics, IngestConfig ingest) {
        this(emitter, new AvroSerializer<>(registry, false, registryConfig.autoRegister()), topics.signals(),
                topics.gpcSignals(), ingest.publishTimeout(), ingest.dedupCacheSize());
    }

    public SignalPublisher(Emitter<byte[]> emitter, Serializer<ConsentSignal> serializer,
            String signalsTopic, String gpcTopic, Duration timeout, int dedupCacheSize) {
        this.emitter = emitter;
        this.serializer = serializer;
        this.signalsTopic = signalsTopic;
        this.gpcTopic = gpcTopic;
        this.timeout = timeout;
        this.recent = new RecentSignalIds(dedupCacheSize);
    }

    /**
     * Publishes a valid signal, or recognises it as a repeat of a recent one.
     *
     * @throws PublishUnavailableException
     *             when Kafka or the registry did not take the record within the publish timeout; the signal id is
     *             then released, so a retry publishes it
     */
    public PublishOutcome publish(Signal signal) throws PublishUnavailableException {
        return await(start(signal));
    }

    /** Starts publishing; {@link #await(Pending)} waits for the outcome. Lets a batch publish its items together. */
    public Pending start(Signal signal) {
        CompletableFuture<Void> publication = new CompletableFuture<>();
        CompletableFuture<Void> earlier = recent.claim(signal.signalId(), publication);
        if (earlier != null) {
            return new Pending(signal, earlier, true);
        }
        String topic = topicFor(signal);
        try {
            byte[] value = serializer.serialize(topic, AvroMapper.toAvro(signal));
            OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                    .withTopic(topic).withKey(signal.subjectId()).build();
            emitter.send(Message.of(value, Metadata.of(kafka), () -> {
                publication.complete(null);
                return CompletableFuture.completedFuture(null);
            }, failure -> {
                publication.completeExceptionally(failure);
                return CompletableFuture.completedFuture(null);
            }));
        } catch (RuntimeException e) {
            // A registry outage (SerializationException) or a full or closed emitter (IllegalStateException).
            publication.completeExceptionally(e);
        }
        return new Pending(signal, publication, false);
    }

    /** Waits, at most the publish timeout, for a publication started with {@link #start(Signal)}. */
    public PublishOutcome await(Pending pending) throws PublishUnavailableException {
        String signalId = pending.signal().signalId();
        try {
            pending.publication().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return pending.repeat() ? PublishOutcome.DUPLICATE : PublishOutcome.PUBLISHED;
        } catch (TimeoutException e) {
            fail(pending);
            throw new PublishUnavailableException("Kafka did not acknowledge signal " + signalId + " within "
                    + timeout + "; retry with the same signalId", e);
        } catch (ExecutionException e) {
            fail(pending);
            LOG.warnf("Signal %s was not published: %s", signalId, e.getCause());
            throw new PublishUnavailableException("Kafka did not take signal " + signalId + " ("
                    + e.getCause().getMessage() + "); retry with the same signalId", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(pending);
            throw new PublishUnavailableException("Interrupted while publishing signal " + signalId, e);
        }
    }

    private void fail(Pending pending) {
        if (!pending.repeat()) {
            recent.release(pending.signal().signalId(), pending.publication());
        }
    }

    /** The topic a signal goes to: GPC signals to the GPC topic. */
    public String topicFor(Signal signal) {
        return signal.kind() == Signal.Kind.GPC ? gpcTopic : signalsTopic;
    }

    /**
     * A publication in progress.
     *
     * @param signal
     *            the signal
     * @param publication
     *            completes when Kafka acknowledged the record
     * @param repeat
     *            whether this is a repeat of an earlier publication of the same signal id
     */
    public record Pending(Signal signal, CompletableFuture<Void> publication, boolean repeat) {
    }
}
