package dev.consentrelay.serde;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.SignalKind;
import dev.consentrelay.testing.ApicurioRegistryExtension;
import dev.consentrelay.testing.ApicurioRegistryExtension.RunningRegistry;
import dev.consentrelay.testing.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A ConsentSignal through a real broker and a real registry: written by a transactional producer with the project's
 * serde, read back by a {@code read_committed} consumer, and checked on the wire as bytes a Confluent deserializer
 * would accept. Each test run uses its own topic, so its own registry subject.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class ConsentSignalRoundTripIT {

    private final String topic = "it.roundtrip.signals." + UUID.randomUUID();
    private SchemaRegistryConfig registryConfig;
    private HttpSchemaRegistryClient client;
    private AvroSerde<ConsentSignal> serde;

    @BeforeEach
    void connect(RunningRegistry registry) {
        registryConfig = SchemaRegistryConfig.of(registry.ccompatUrl()).withRetries(2, Duration.ofMillis(100));
        client = new HttpSchemaRegistryClient(registryConfig);
        serde = AvroSerde.forClass(ConsentSignal.class, client, false);
        TestKafka.createTopics(1, topic);
    }

    @AfterEach
    void close() {
        serde.close();
        client.close();
    }

    @Test
    void shouldReadBackTheCommittedSignalEqualToTheOneSent() {
        ConsentSignal signal = SampleRecords.signal();
        assertEveryFieldSet(signal);
        ConsentSignal aborted = ConsentSignal.newBuilder(signal).setSignalId(UUID.randomUUID())
                .setKind(SignalKind.OPT_OUT).setErase(false).build();

        try (KafkaProducer<String, ConsentSignal> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, aborted.getSubjectId(), aborted));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, signal.getSubjectId(), signal));
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, ConsentSignal>> read = readCommitted(serde.deserializer(), 1);

        assertThat(read).as("only the committed transaction is visible").hasSize(1);
        assertThat(read.get(0).key()).isEqualTo(signal.getSubjectId());
        assertThat(read.get(0).value()).isEqualTo(signal);
    }

    @Test
    void shouldPutConfluentWireFormatWithTheRegisteredSchemaIdOnTheTopic() {
        ConsentSignal signal = SampleRecords.signal();

        try (KafkaProducer<String, ConsentSignal> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, signal.getSubjectId(), signal));
            producer.commitTransaction();
        }

        byte[] bytes = readCommitted(new ByteArrayDeserializer(), 1).get(0).value();

        assertThat(bytes.length).isGreaterThan(WireFormat.HEADER_SIZE);
        assertThat(bytes[0]).as("magic byte").isEqualTo(WireFormat.MAGIC_BYTE);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        // A client with empty caches, so the answers come from the registry, not from what the serializer cached.
        try (HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(registryConfig)) {
            Schema stored = fresh.schemaById(id);
            assertThat(stored).isEqualTo(ConsentSignal.getClassSchema());
            assertThat(fresh.idFor(WireFormat.subject(topic, false), ConsentSignal.getClassSchema()))
                    .as("id of the ConsentSignal schema under " + WireFormat.subject(topic, false)).isEqualTo(id);
        }
    }

    private KafkaProducer<String, ConsentSignal> transactionalProducer() {
        Map<String, Object> config = TestKafka.clientConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-roundtrip-" + UUID.randomUUID());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), serde.serializer());
    }

    /** Polls the topic from the start until {@code expected} records arrived, then polls once more for strays. */
    private <V> List<ConsumerRecord<String, V>> readCommitted(Deserializer<V> values, int expected) {
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        Map<String, Object> config = TestKafka.readCommittedConsumerConfig("it-roundtrip-" + UUID.randomUUID());
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            await("committed records on " + topic).atMost(TestKafka.timeout()).pollInterval(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                        return records.size() >= expected;
                    });
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static void assertEveryFieldSet(ConsentSignal signal) {
        for (Schema.Field field : ConsentSignal.getClassSchema().getFields()) {
            Object value = signal.get(field.pos());
            assertThat(value).as("sample signal field %s", field.name()).isNotNull();
            if (value instanceof Collection<?> collection) {
                assertThat(collection).as("sample signal field %s", field.name()).isNotEmpty();
            }
        }
        assertThat(signal.getErase()).as("erase").isTrue();
    }
}
