package dev.consentrelay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.ConsentStatus;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The whole service against a real Kafka broker and a real schema registry: vendors loaded from a YAML file, an
 * opt-out published, commands read back with {@code read_committed} from each vendor's topic, and the subject's
 * state read back from the compacted subject-state topic.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class ConsentPipelineIT {

    @Inject
    KafkaStreams streams;

    @Inject
    SchemaRegistryClient registry;

    @Test
    void optOutReachesEveryVendorOfThePurposeAndTheSubjectStateTopic() {
        await().atMost(TestKafka.timeout()).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        String subject = "e2e-" + UUID.randomUUID();
        Signal optOut = new Signal(UUID.randomUUID().toString(), subject,
                List.of(new SubjectIdentifier("device_id", "device-9"),
                        new SubjectIdentifier("email_sha256",
                                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")),
                Signal.Kind.OPT_OUT, Set.of("advertising"), "US-CA", Signal.Source.PREFERENCE_CENTER, "toggle",
                "2026-11-01", Instant.now().minusSeconds(1), null, false);

        // Vendors come from the YAML file through the vendors topic; wait until the fan-out sees them.
        await().atMost(TestKafka.timeout()).untilAsserted(() -> {
            String probe = "probe-" + UUID.randomUUID();
            publish(AvroMapper.toAvro(new Signal(UUID.randomUUID().toString(), probe, List.of(),
                    Signal.Kind.OPT_OUT, Set.of("advertising"), "US-CA", Signal.Source.API, "link", "2026-11-01",
                    Instant.now().minusSeconds(1), null, false)));
            assertThat(readCommitted("consent.commands.adnet.v1", PropagationCommand.class, probe,
                    Duration.ofSeconds(5))).isNotEmpty();
        });

        publish(AvroMapper.toAvro(optOut));

        List<PropagationCommand> adnet = await().atMost(TestKafka.timeout())
                .until(() -> readCommitted("consent.commands.adnet.v1", PropagationCommand.class, subject,
                        Duration.ofSeconds(1)).stream().filter(
                                c -> c.getSignalId().toString()
                                        .equals(optOut.signalId()))
                        .toList(),
                        commands -> !commands.isEmpty());
        assertThat(adnet).singleElement().satisfies(command -> {
            assertThat(command.getAction()).isEqualTo(CommandAction.SUPPRESS);
            assertThat(command.getPurposes()).containsExactly("advertising");
            assertThat(command.getIdentifiers()).extracting(i -> i.getType()).containsExactly("device_id");
        });
        assertThat(readCommitted("consent.commands.adnet-cdn.v1", PropagationCommand.class, subject,
                Duration.ofSeconds(1))).extracting(c -> c.getSignalId().toString()).contains(optOut.signalId());
        assertThat(readCommitted("consent.commands.mailer.v1", PropagationCommand.class, subject,
                Duration.ofSeconds(1))).as("mailer does not process advertising").isEmpty();

        List<SubjectConsentState> states = readCommitted("consent.subject-state.v1", SubjectConsentState.class,
                subject, Duration.ofSeconds(1));
        assertThat(states).isNotEmpty();
        assertThat(states.get(states.size() - 1).getPurposes().get("advertising").getStatus())
                .isEqualTo(ConsentStatus.DENIED);

        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private void publish(ConsentSignal signal) {
        Map<String, Object> config = TestKafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
                KafkaProducer<String, ConsentSignal> producer = new KafkaProducer<>(config,
                        new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>("consent.signals.v1", signal.getSubjectId(), signal));
            producer.flush();
        }
    }

    private <T extends SpecificRecord> List<T> readCommitted(String topic, Class<T> type, String subject,
            Duration pollFor) {
        List<T> values = new ArrayList<>();
        try (AvroSerde<T> serde = AvroSerde.forClass(type, registry, false);
                KafkaConsumer<String, T> consumer = new KafkaConsumer<>(
                        TestKafka.readCommittedConsumerConfig("verifier-" + UUID.randomUUID()),
                        new StringDeserializer(), serde.deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + pollFor.toNanos();
            // Until the deadline, or until what was committed when we started is read and something matched.
            while (System.nanoTime() < deadline && !(reachedEnd(consumer, end) && !values.isEmpty())) {
                for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
                    if (subject.equals(record.key())) {
                        values.add(record.value());
                    }
                }
            }
        }
        return values;
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
