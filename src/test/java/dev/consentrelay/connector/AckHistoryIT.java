package dev.consentrelay.connector;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.testing.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acknowledged command ids a connector process reads back at start, against a real broker: the newest of each
 * partition, as many as the vendors can keep, however long the window.
 */
class AckHistoryIT {

    private final AtomicInteger read = new AtomicInteger();
    /** Acks written as {@code vendorId:commandId}, counted as read: what is read matters here, not the format. */
    private final Deserializer<CommandAck> text = (topic, bytes) -> {
        read.incrementAndGet();
        String[] parts = new String(bytes, StandardCharsets.UTF_8).split(":");
        return CommandAck.newBuilder().setVendorId(parts[0]).setCommandId(UUID.fromString(parts[1]))
                .setStatus(AckStatus.APPLIED).setAppliedAt(Instant.now()).setAttempts(1).build();
    };

    @Test
    void shouldReadOnlyTheNewestAcknowledgementsThatTheVendorsCanKeep() throws Exception {
        String topic = "ack-history-it-" + UUID.randomUUID().toString().substring(0, 8);
        TestKafka.createTopics(2, topic);
        List<UUID> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(TestKafka.clientConfig(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 2_000; i++) {
                UUID commandId = UUID.randomUUID();
                sent.add(commandId);
                producer.send(new ProducerRecord<>(topic, i % 2, "subject-" + i, "mailer:" + commandId));
            }
            producer.flush();
        }
        AckedCommands mailer = new AckedCommands(300);

        AckHistory.load(TestKafka.clientConfig(), topic, text, Duration.ofDays(7), TestKafka.timeout(),
                Clock.systemUTC(), Map.of("mailer", mailer));

        assertThat(read).as("the last 150 records of each partition, not all 2,000 of the window").hasValue(300);
        assertThat(mailer.size()).isEqualTo(300);
        assertThat(sent.subList(1_700, 2_000)).allSatisfy(id -> assertThat(mailer.contains(id)).isTrue());
        assertThat(sent.subList(0, 1_700)).noneSatisfy(id -> assertThat(mailer.contains(id)).isTrue());
    }
}
