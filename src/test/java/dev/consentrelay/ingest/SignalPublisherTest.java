package dev.consentrelay.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import dev.consentrelay.domain.Signal;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.AvroSerializer;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.serde.SchemaRegistryClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignalPublisherTest {

    private final SchemaRegistryClient registry = SchemaRegistryClients.inMemory("publisher-test");

    @Test
    void shouldPublishAvroKeyedBySubjectToTheSignalsTopicOnceAcknowledged() throws Exception {
        RecordingEmitter emitter = new RecordingEmitter(Message::ack);
        Signal signal = signal(Signal.Kind.OPT_OUT);

        assertThat(publisher(emitter, Duration.ofSeconds(5)).publish(signal)).isEqualTo(PublishOutcome.PUBLISHED);

        assertThat(emitter.sent).singleElement().satisfies(message -> {
            OutgoingKafkaRecordMetadata<?> kafka = message.getMetadata(OutgoingKafkaRecordMetadata.class).get();
            assertThat(kafka.getTopic()).isEqualTo("signals");
            assertThat(kafka.getKey()).isEqualTo(signal.subjectId());
            try (AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false)) {
                assertThat(dev.consentrelay.avro.AvroMapper
                        .toDomain(serde.deserializer().deserialize("signals", message.getPayload())))
                        .isEqualTo(signal);
            }
        });
    }

    @Test
    void shouldSendGpcSignalsToTheGpcTopic() throws Exception {
        RecordingEmitter emitter = new RecordingEmitter(Message::ack);

        publisher(emitter, Duration.ofSeconds(5)).publish(signal(Signal.Kind.GPC));

        assertThat(emitter.sent.get(0).getMetadata(OutgoingKafkaRecordMetadata.class).get().getTopic())
                .isEqualTo("gpc");
    }

    @Test
    void shouldNotRepublishARepeatedSignalId() throws Exception {
        RecordingEmitter emitter = new RecordingEmitter(Message::ack);
        SignalPublisher publisher = publisher(emitter, Duration.ofSeconds(5));
        Signal signal = signal(Signal.Kind.OPT_OUT);

        assertThat(publisher.publish(signal)).isEqualTo(PublishOutcome.PUBLISHED);
        assertThat(publisher.publish(signal)).isEqualTo(PublishOutcome.DUPLICATE);
        assertThat(emitter.sent).hasSize(1);
    }

    @Test
    void shouldAnswerUnavailableWhenKafkaRefusesAndPublishTheRetry() throws Exception {
        List<Consumer<Message<byte[]>>> behaviours = new ArrayList<>(List.of(
                m -> m.nack(new org.apache.kafka.common.errors.TimeoutException("broker down")), Message::ack));
        RecordingEmitter emitter = new RecordingEmitter(m -> behaviours.remove(0).accept(m));
        SignalPublisher publisher = publisher(emitter, Duration.ofSeconds(5));
        Signal signal = signal(Signal.Kind.OPT_OUT);

        assertThatThrownBy(() -> publisher.publish(signal)).isInstanceOf(PublishUnavailableException.class)
                .hasMessageContaining("broker down").hasMessageContaining("retry");
        assertThat(publisher.publish(signal)).isEqualTo(PublishOutcome.PUBLISHED);
        assertThat(emitter.sent).hasSize(2);
    }

    @Test
    void shouldAnswerUnavailableWhenKafkaDoesNotAcknowledgeInTime() {
        RecordingEmitter emitter = new RecordingEmitter(m -> {
        });

        assertThatThrownBy(() -> publisher(emitter, Duration.ofMillis(50)).publish(signal(Signal.Kind.OPT_OUT)))
                .isInstanceOf(PublishUnavailableException.class).hasMessageContaining("did not acknowledge");
    }

    @Test
    void shouldAnswerUnavailableWhenTheEmitterIsFull() {
        RecordingEmitter emitter = new RecordingEmitter(m -> {
            throw new IllegalStateException("buffer full");
        });

        assertThatThrownBy(() -> publisher(emitter, Duration.ofSeconds(5)).publish(signal(Signal.Kind.OPT_OUT)))
                .isInstanceOf(PublishUnavailableException.class).hasMessageContaining("buffer full");
    }

    private SignalPublisher publisher(Emitter<byte[]> emitter, Duration timeout) {
        return new SignalPublisher(emitter, new AvroSerializer<>(registry, false, true), "signals", "gpc", timeout,
                100);
    }

    private static Signal signal(Signal.Kind kind) {
        return new Signal(UUID.randomUUID().toString(), "subject-1", List.of(), kind,
                kind == Signal.Kind.GPC ? Set.of() : Set.of("advertising"), "US-CA", Signal.Source.API, "toggle",
                "2026-11-01", Instant.parse("2026-11-05T14:00:00Z"), Instant.parse("2026-11-05T14:00:01Z"), false);
    }

    /** An emitter that records what was sent and acknowledges, refuses or ignores it as told. */
    private static final class RecordingEmitter implements Emitter<byte[]> {

        private final List<Message<byte[]>> sent = new ArrayList<>();
        private final Consumer<Message<byte[]>> kafka;

        RecordingEmitter(Consumer<Message<byte[]>> kafka) {
            this.kafka = kafka;
        }

        @Override
        public CompletionStage<Void> send(byte[] payload) {
            throw new UnsupportedOperationException("the publisher sends messages with metadata");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <M extends Message<? extends byte[]>> void send(M message) {
            kafka.accept((Message<byte[]>) message);
            sent.add((Message<byte[]>) message);
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }

    static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
