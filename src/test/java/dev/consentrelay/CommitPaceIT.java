package dev.consentrelay;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
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
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.TestKafka;

import static org.awaitility.Awaitility.await;

/**
 * A caught-up service commits its decisions at its commit pace, not at the commit interval: with the interval at
 * 8 s, signals sent one after another each reach their vendor ({@code read_committed}) within 2 s. Committed at the
 * interval alone, the second would wait for the next interval after the first's commit.
 */
@QuarkusTest
@TestProfile(CommitPaceIT.LongCommitInterval.class)
class CommitPaceIT {

    private static final String TOPIC = "consent.commands.adnet.v1";
    private static final Duration WITHIN = Duration.ofSeconds(2);

    /** A commit interval of 8 s (below the transactions' 10 s timeout): only the pace commits sooner. */
    public static class LongCommitInterval implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka-streams.commit.interval.ms", "8000");
        }
    }

    @Inject
    KafkaStreams streams;

    @Inject
    SchemaRegistryClient registry;

    @Test
    void signalsSentOneAfterAnotherAreEachCommittedWithinThePaceNotTheInterval() {
        await().atMost(TestKafka.timeout()).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        Map<String, Object> producerConfig = TestKafka.clientConfig();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (AvroSerde<ConsentSignal> signals = AvroSerde.forClass(ConsentSignal.class, registry, false);
                AvroSerde<PropagationCommand> commands = AvroSerde.forClass(PropagationCommand.class, registry,
                        false);
                KafkaProducer<String, ConsentSignal> producer = new KafkaProducer<>(producerConfig,
                        new StringSerializer(), signals.serializer());
                KafkaConsumer<String, PropagationCommand> consumer = new KafkaConsumer<>(
                        TestKafka.readCommittedConsumerConfig("pace-" + UUID.randomUUID()), new StringDeserializer(),
                        commands.deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Set<String> seen = new HashSet<>();
            // The vendors come from the YAML file through the vendors topic: probes until the fan-out sees them.
            await().atMost(TestKafka.timeout()).until(() -> {
                String probe = send(producer);
                long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < end) {
                    if (received(consumer, seen, probe)) {
                        return true;
                    }
                }
                return false;
            });
            for (int i = 0; i < 3; i++) {
                String signalId = send(producer);
                await("signal " + (i + 1) + " committed within " + WITHIN).atMost(WITHIN)
                        .pollInterval(Duration.ofMillis(10)).until(() -> received(consumer, seen, signalId));
            }
        }
    }

    /** Sends an advertising opt-out of a new subject in California (adnet's region) and returns its id. */
    private static String send(KafkaProducer<String, ConsentSignal> producer) {
        Signal optOut = new Signal(UUID.randomUUID().toString(), "pace-" + UUID.randomUUID(), List.of(),
                Signal.Kind.OPT_OUT, Set.of("advertising"), "US-CA", Signal.Source.API, "link", "2026-11-01",
                Instant.now().minusSeconds(1), null, false);
        producer.send(new ProducerRecord<>("consent.signals.v1", optOut.subjectId(), AvroMapper.toAvro(optOut)));
        producer.flush();
        return optOut.signalId();
    }

    private static boolean received(KafkaConsumer<String, PropagationCommand> consumer, Set<String> seen,
            String signalId) {
        consumer.poll(Duration.ofMillis(50)).forEach(record -> seen.add(record.value().getSignalId().toString()));
        return seen.contains(signalId);
    }
}
